import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The controller's modules, loaded as its bin loads them, in a fresh process: V8 heap in use after a full GC.
 * Module loading is deterministic, so the figure is stable on a busy machine. With @kubernetes/client-node's
 * index (every generated API and model) it was 38 MiB; with the bundle of what gitseal uses ~21 MiB, and ~15 MiB since
 * Events are written without client-node's CoreV1Api and the sync engine loads only with the first GitSync.
 */
function heapAfterLoadingMiB(): number {
  const controller = fileURLToPath(new URL('./controller.js', import.meta.url));
  const script = `await import(${JSON.stringify(controller)}); globalThis.gc(); globalThis.gc();
process.stdout.write(String(process.memoryUsage().heapUsed));`;
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return Number(out) / 2 ** 20;
}

test('loading the controller costs less than 18 MiB of V8 heap (the Kubernetes client comes bundled)', () => {
  const mib = heapAfterLoadingMiB();
  assert.ok(mib > 5, `implausible: ${mib} MiB`);
  assert.ok(mib < 18, `heap after loading the controller: ${mib.toFixed(1)} MiB`);
});

/** Every ES module URL a fresh process loads while importing `entry` (a module `load` hook logs them). */
function modulesLoadedBy(entry: string): string[] {
  const hook = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
export async function load(url, context, next) { process.stderr.write('module ' + url + '\\\\n'); return next(url, context); }
\`));`;
  const script = `await import(${JSON.stringify(entry)});`;
  const run = spawnSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(hook)}`, '--input-type=module', '-e', script],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  return run.stderr.split('\n').flatMap((line) => (line.startsWith('module ') ? [line.slice(7)] : []));
}

test('loading the controller does not load the sync engine (it is imported when the first GitSync appears)', () => {
  const modules = modulesLoadedBy(fileURLToPath(new URL('./main.js', import.meta.url)));
  assert.ok(
    modules.some((url) => url.endsWith('/controller.js')),
    `the log works: ${modules.length} modules`,
  );
  const sync = modules.filter((url) => url.includes('/packages/sync/') || url.includes('/@gitseal/sync/'));
  assert.deepEqual(sync, []);
  // The control: the lazily imported host does load it.
  const hostModules = modulesLoadedBy(fileURLToPath(new URL('./git-sync-host.js', import.meta.url)));
  assert.ok(
    hostModules.some((url) => url.includes('/packages/sync/dist/index.js')),
    'git-sync-host loads @gitseal/sync',
  );
});
