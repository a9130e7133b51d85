import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The controller's modules, loaded as its bin loads them, in a fresh process: V8 heap in use after a full GC.
 * Module loading is deterministic, so the figure is stable on a busy machine. With @kubernetes/client-node's
 * index (every generated API and model) it was 38 MiB; with the bundle of what gitseal uses it is ~21 MiB.
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

test('loading the controller costs less than 28 MiB of V8 heap (the Kubernetes client comes bundled)', () => {
  const mib = heapAfterLoadingMiB();
  assert.ok(mib > 5, `implausible: ${mib} MiB`);
  assert.ok(mib < 28, `heap after loading the controller: ${mib.toFixed(1)} MiB`);
});
