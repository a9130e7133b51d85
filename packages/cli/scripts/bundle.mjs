#!/usr/bin/env node
// Bundles the CLI into one CommonJS file, dist/gitseal.cjs, which bin/gitseal.js loads (run after tsc -b; part of
// `npm run build`). Why and how, in short (docs/cli-startup.md has the measurements):
// - One file instead of ~70 ES modules: Node 20 resolves, reads and compiles each ES module separately and has no
//   compile cache for them; one CommonJS script can be compiled with a V8 code cache (bin/gitseal.js).
// - What is bundled: the CLI, the @gitseal/* packages it uses, commander and js-yaml (the light path every command
//   takes). Every other package (@kubernetes/client-node, express, pino, node-forge, …) stays external: CommonJS
//   output keeps each `require` inside the lazily initialised module that needs it, so `gitseal seal` never loads
//   them, and the file stays small (0.3 MB instead of 4 MB, which would cost more to read than it saves).
// - `import.meta.url` keeps meaning "this file in its installed package": a file of @gitseal/x gets the URL of
//   its own dist file (found through require.resolve('@gitseal/x') at run time), so paths next to it keep working
//   bundled (the UI assets, sync's render child, crypto's node-forge, the CLI's package.json).
// - commander requires node:child_process at load time for executable subcommands, which gitseal does not use; a
//   lazy stand-in loads it only if commander ever calls spawn.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = dirname(cliDir);
const outFile = join(cliDir, 'dist', 'gitseal.cjs');
const BUNDLED_PACKAGES = /^(@gitseal\/(crypto|manifests|kube|sync|notify)|commander|js-yaml)(\/|$)/;
const LAZY_CHILD_PROCESS = 'gitseal:lazy-child-process';

/** The expression that replaces `import.meta.url` in a compiled file of one of the workspace packages. */
function importMetaUrlOf(file) {
  const [pkg, ...rest] = relative(packagesDir, file).split(sep);
  const inDist = rest.slice(1).join('/'); // rest[0] is "dist"
  if (pkg === 'cli') return `__gitsealFileUrl(__dirname, ${JSON.stringify(inDist)})`;
  return `__gitsealFileUrl(__gitsealPackageDir(${JSON.stringify(`@gitseal/${pkg}`)}), ${JSON.stringify(inDist)})`;
}

const plugin = {
  name: 'gitseal-cli',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path === 'node:child_process' && args.importer.includes(`${sep}commander${sep}`)) {
        return { path: LAZY_CHILD_PROCESS, namespace: 'gitseal' };
      }
      if (args.path.startsWith('node:') || BUNDLED_PACKAGES.test(args.path)) return undefined;
      return { path: args.path, external: true };
    });
    b.onLoad({ filter: /.*/, namespace: 'gitseal' }, () => ({
      contents: "module.exports = { get spawn() { return require('node:child_process').spawn; } };",
      loader: 'js',
    }));
    // @gitseal/kube picks its client-node values with a top-level await, which CommonJS output cannot hold: the
    // bundle gets the same choice made with require() (Node 20.19+ requires ES modules without top-level await).
    b.onLoad({ filter: /[\\/]packages[\\/]kube[\\/]dist[\\/]client-node\.js$/ }, () => ({
      contents: CLIENT_NODE_SHIM,
      loader: 'js',
    }));
    b.onLoad({ filter: /[\\/]packages[\\/][a-z]+[\\/]dist[\\/].*\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      return { contents: source.replaceAll('import.meta.url', importMetaUrlOf(args.path)), loader: 'js' };
    });
  },
};

/**
 * packages/kube/src/client-node.ts without its top-level await: the same choice made with require() (an ES module of
 * a "type": "module" package, so esbuild keeps it lazily initialised like the rest).
 */
const CLIENT_NODE_SHIM = `
export const ClientNodeSource = { Bundle: 'bundle', Package: 'package' };
let values;
let source = ClientNodeSource.Bundle;
try {
  values = require(require('node:path').join(__gitsealPackageDir('@gitseal/kube'), 'client-node.bundle.js'));
} catch (error) {
  if (error.code !== 'MODULE_NOT_FOUND') throw error;
  values = require('@kubernetes/client-node');
  source = ClientNodeSource.Package;
}
export const clientNodeSource = source;
export const CoordinationV1Api = values.CoordinationV1Api;
export const CoreV1Api = values.CoreV1Api;
export const CustomObjectsApi = values.CustomObjectsApi;
export const KubeConfig = values.KubeConfig;
export const KubernetesObjectApi = values.KubernetesObjectApi;
export const PatchStrategy = values.PatchStrategy;
export const V1MicroTime = values.V1MicroTime;
export const Watch = values.Watch;
export const setHeaderOptions = values.setHeaderOptions;
`;

// Helpers the replaced `import.meta.url` expressions call; defined once at the top of the bundle.
const banner = `'use strict';
const __gitsealFileUrl = (dir, file) => require('node:url').pathToFileURL(require('node:path').join(dir, file)).href;
const __gitsealPackageDir = (name) => require('node:path').dirname(require.resolve(name));`;

const { version } = JSON.parse(await readFile(join(cliDir, 'package.json'), 'utf8'));
const result = await build({
  entryPoints: [join(cliDir, 'dist', 'cli-entry.js')],
  outfile: outFile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  banner: { js: banner },
  define: { GITSEAL_CLI_VERSION: JSON.stringify(version) },
  plugins: [plugin],
  absWorkingDir: cliDir, // metafile paths relative to packages/cli, wherever the build runs from
  logLevel: 'warning',
  metafile: true,
});

// The first line names the bundle's content: bin/gitseal.js keys its code cache by it. The bin reads the file as
// latin1 (no UTF-8 validation), which is the same text as long as it is ASCII, as esbuild writes it by default.
const code = await readFile(outFile, 'utf8');
const nonAscii = [...code].findIndex((char) => char.charCodeAt(0) > 0x7f);
if (nonAscii !== -1) throw new Error(`${outFile}: not ASCII at offset ${nonAscii}`);
const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
await writeFile(outFile, `// gitseal-bundle ${hash}\n${code}`);
await writeFile(join(cliDir, 'dist', 'gitseal.meta.json'), JSON.stringify(result.metafile));
console.log(`bundled ${relative(process.cwd(), outFile)}: ${(code.length / 1024).toFixed(0)} KiB, ${hash}`);
