import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { prometheusRelease, promtoolCacheDir, promtoolVersion, resolvePromtoolBinary } from './promtool-binary.js';

test('the Prometheus module version maps to its release (v0.316.0 is 3.16.0)', () => {
  assert.equal(prometheusRelease('v0.316.0'), '3.16.0');
  assert.equal(prometheusRelease('v0.305.1'), '3.5.1');
  assert.equal(prometheusRelease('v3.1.0'), '3.1.0');
});

test('promtool is cached per version under XDG_CACHE_HOME; GITSEAL_PROMTOOL_VERSION picks another', () => {
  assert.equal(promtoolVersion({}), 'v0.316.0');
  assert.equal(promtoolCacheDir({ XDG_CACHE_HOME: '/c' }), '/c/gitseal/promtool/v0.316.0');
  assert.equal(
    promtoolCacheDir({ XDG_CACHE_HOME: '/c', GITSEAL_PROMTOOL_VERSION: 'v0.317.0' }),
    '/c/gitseal/promtool/v0.317.0',
  );
});

test('PROMTOOL_BIN is used as given, and a non-executable one is an error, never a skip', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-promtool-'));
  try {
    const script = join(dir, 'promtool');
    writeFileSync(script, '#!/bin/sh\n', { mode: 0o755 });
    assert.equal(await resolvePromtoolBinary({ PROMTOOL_BIN: script }), script);
    const plain = join(dir, 'not-executable');
    writeFileSync(plain, '', { mode: 0o644 });
    await assert.rejects(resolvePromtoolBinary({ PROMTOOL_BIN: plain }), /PROMTOOL_BIN=.* is not an executable file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
