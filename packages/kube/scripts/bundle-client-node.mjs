#!/usr/bin/env node
// Builds dist/client-node.bundle.js: only the parts of @kubernetes/client-node that gitseal calls, tree-shaken into
// one file (see src/client-node.ts). The package's index loads every generated API and model: ~21 MB of JavaScript
// whose source text alone stays in the V8 heap (17 MiB) of every process that imports it. Run after `tsc -b`.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The values gitseal imports at run time; types still come from the package itself. Keep in step with src/client-node.ts. */
export const CLIENT_NODE_VALUES = [
  'CoordinationV1Api',
  'CustomObjectsApi',
  'KubeConfig',
  'KubernetesObjectApi',
  'PatchStrategy',
  'V1MicroTime',
  'Watch',
  'setHeaderOptions',
];

const packageDir = fileURLToPath(new URL('..', import.meta.url));
mkdirSync(new URL('../dist', import.meta.url), { recursive: true });
await build({
  stdin: {
    contents: `export { ${CLIENT_NODE_VALUES.join(', ')} } from '@kubernetes/client-node';\n`,
    resolveDir: packageDir,
    loader: 'js',
    sourcefile: 'client-node-entry.js',
  },
  outfile: fileURLToPath(new URL('../dist/client-node.bundle.js', import.meta.url)),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Whitespace and syntax only: class and error names (AbortError, FetchError) stay as they are.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'eof',
  // client-node's CommonJS dependencies call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __gitsealRequire } from 'node:module';\nconst require = __gitsealRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
