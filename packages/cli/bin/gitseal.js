#!/usr/bin/env node
// The gitseal and kubectl-gitseal command. CommonJS (bin/package.json says so): Node starts a CommonJS main a few
// milliseconds sooner than an ES module. It runs the CLI bundle, dist/gitseal.cjs (scripts/bundle.mjs), compiled
// with a V8 code cache so that V8 does not parse and compile the same 0.3 MB on every run: Node 20 has no compile
// cache of its own (module.enableCompileCache came in Node 22.1). docs/cli-startup.md has the measurements.
//
// The cache: one file per bundle build, Node version, architecture and subcommand (each subcommand compiles other
// functions), in $XDG_CACHE_HOME/gitseal/compile-cache (default ~/.cache/...), a folder only its owner may write:
// a code cache is code. It is written after the first successful run of a subcommand, and again whenever V8
// rejects it (another V8 or other V8 flags). Any failure to read or write it only costs the cache, never the
// command. GITSEAL_COMPILE_CACHE=off turns it off.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const BUNDLE = join(__dirname, '..', 'dist', 'gitseal.cjs');
const DAY_MS = 86_400_000;
const BUNDLE_ID = /^\/\/ gitseal-bundle ([0-9a-f]{16})\n/;

/** The folder of the code caches, if it exists and no one but this user can write to it. */
function cacheDir(create) {
  if (process.env.GITSEAL_COMPILE_CACHE === 'off') return undefined;
  const dir = join(
    process.env.XDG_CACHE_HOME || join(process.env.HOME || require('node:os').homedir(), '.cache'),
    'gitseal',
    'compile-cache',
  );
  try {
    if (create) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.statSync(dir);
    const mine = typeof process.getuid !== 'function' || stat.uid === process.getuid();
    return stat.isDirectory() && mine && (stat.mode & 0o022) === 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** The subcommand, which decides what gets compiled: `seal`, `sync`, …, or `none`; `-help` when only help runs. */
function commandKey(argv) {
  const command = argv.find((arg) => !arg.startsWith('-')) ?? 'none';
  const help = argv.some((arg) => ['-h', '--help', '-V', '--version', 'help'].includes(arg));
  return (/^[a-z]{1,20}$/.test(command) ? command : 'other') + (help ? '-help' : '');
}

function readCache(file) {
  const dir = file && cacheDir(false);
  try {
    return dir ? fs.readFileSync(join(dir, file)) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the cache atomically, and drops the caches of other bundle builds unused for a day. */
function writeCache(file, bundleId, data) {
  const dir = cacheDir(true);
  if (!dir) return;
  try {
    const temporary = join(dir, `.${file}.${process.pid}`);
    fs.writeFileSync(temporary, data, { mode: 0o600 });
    fs.renameSync(temporary, join(dir, file));
    for (const old of fs.readdirSync(dir)) {
      if (old.startsWith(bundleId)) continue;
      const path = join(dir, old);
      if (Date.now() - fs.statSync(path).mtimeMs > DAY_MS) fs.rmSync(path, { force: true });
    }
  } catch {
    // Only the cache is lost.
  }
}

let source;
try {
  source = fs.readFileSync(BUNDLE, 'latin1'); // ASCII (scripts/bundle.mjs checks): latin1 skips UTF-8 checks
} catch {
  process.stderr.write(`gitseal: ${BUNDLE} is missing: run npm run build\n`);
  process.exit(1);
}
const bundleId = BUNDLE_ID.exec(source)?.[1];
const argv = process.argv.slice(2);
const cacheFile = bundleId && `${bundleId}-${process.version}-${process.arch}-${commandKey(argv)}.v8`;
const cachedData = readCache(cacheFile);
const script = new Script(Module.wrap(source), { filename: BUNDLE, cachedData });
if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
  process.on('exit', (code) => {
    if (code === 0) writeCache(cacheFile, bundleId, script.createCachedData());
  });
}
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, Module.createRequire(BUNDLE), bundle, BUNDLE, dirname(BUNDLE));
bundle.exports.run(process.argv).then((code) => {
  process.exitCode = code;
});
