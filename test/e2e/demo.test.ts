import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const DEMO = join(fileURLToPath(new URL('..', import.meta.url)), 'demo', 'demo.js');

test('npm run demo -- --api-only: syncs an app with a sealed Secret from Git, re-syncs a changed secret, repairs drift, cleans up', () => {
  const run = spawnSync(process.execPath, [DEMO, '--api-only'], { encoding: 'utf8', timeout: 240_000 });
  const output = `${run.stdout}\n${run.stderr}`;
  assert.equal(run.status, 0, output);
  assert.equal(run.stdout.split('\n')[0], 'gitseal demo: on the API-only control plane (--api-only)');
  for (const line of [
    /GitSync is Ready/,
    /Ready:\s+True/,
    /unsealed in the cluster with keys: password, username/,
    /re-synced at [0-9a-f]{7}: Secret demo\/app-credentials holds the new password/,
    /Deployment demo\/app restored from Git/,
    /demo finished/,
  ]) {
    assert.match(run.stdout, line);
  }
  // The demo's plaintext passwords, raw and base64, never appear in anything it printed.
  const controllerLog = readFileSync(join(tmpdir(), 'gitseal-demo-controller.log'), 'utf8');
  assert.match(controllerLog, /"level"/, 'the controller log was captured');
  for (const secret of ['first-password', 'second-pw']) {
    assert.ok(!controllerLog.includes(secret), `plaintext ${secret} in the controller log`);
    assert.ok(!output.includes(secret), `plaintext ${secret} printed`);
    assert.ok(!output.includes(Buffer.from(secret).toString('base64')), `base64 of ${secret} printed`);
  }
});
