import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { ClusterErrorCode } from './cluster-error.js';
import { giteaCacheDir, giteaVersion, resolveGiteaBinary } from './gitea-binary.js';

test('Gitea is cached per version under XDG_CACHE_HOME; GITSEAL_GITEA_VERSION picks another', () => {
  assert.equal(giteaVersion({}), 'v1.27.3');
  assert.equal(giteaCacheDir({ XDG_CACHE_HOME: '/c' }), '/c/gitseal/gitea/v1.27.3');
  assert.equal(giteaCacheDir({ XDG_CACHE_HOME: '/c', GITSEAL_GITEA_VERSION: 'v1.28.0' }), '/c/gitseal/gitea/v1.28.0');
});

test('GITEA_BIN is used as given; a non-executable one, or no binary and no Go, is an error, never a skip', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-gitea-bin-'));
  try {
    const script = join(dir, 'gitea');
    writeFileSync(script, '#!/bin/sh\n', { mode: 0o755 });
    assert.deepEqual(await resolveGiteaBinary({ GITEA_BIN: script }), { binary: script, staticRoot: undefined });
    assert.deepEqual(await resolveGiteaBinary({ GITEA_BIN: script, GITEA_STATIC_ROOT: dir }), {
      binary: script,
      staticRoot: dir,
    });
    const plain = join(dir, 'not-executable');
    writeFileSync(plain, '', { mode: 0o644 });
    await assert.rejects(resolveGiteaBinary({ GITEA_BIN: plain }), /GITEA_BIN=.* is not an executable file/);

    const cached = join(dir, 'cache', 'gitseal', 'gitea', 'v1.27.3');
    mkdirSync(cached, { recursive: true });
    writeFileSync(join(cached, 'gitea'), '#!/bin/sh\n', { mode: 0o755 });
    assert.deepEqual(await resolveGiteaBinary({ XDG_CACHE_HOME: join(dir, 'cache') }), {
      binary: join(cached, 'gitea'),
      staticRoot: join(cached, 'static'),
    });
    const empty = { XDG_CACHE_HOME: join(dir, 'empty'), PATH: join(dir, 'no-go'), CI: 'true' };
    await assert.rejects(resolveGiteaBinary(empty), (error: Error & { code?: string }) => {
      assert.equal(error.code, ClusterErrorCode.BinariesUnavailable);
      assert.match(error.message, /^no Gitea: Go is not installed/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
