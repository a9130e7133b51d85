import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { chartCachePath, chartTempPath, commitDownload, DigestMismatch, isCached } from './chart-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'chart-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

test('only sha256 digests become cache paths', () => {
  const hex = 'b'.repeat(64);
  assert.equal(chartCachePath('/c', `sha256:${hex}`), `/c/charts/${hex}.tgz`);
  assert.equal(chartCachePath('/c', 'sha256:../../etc/passwd'), undefined);
  assert.equal(chartCachePath('/c', `sha512:${hex}`), undefined);
});

test('a verified download is renamed into the cache; a mismatch is removed', async () => {
  const good = await chartTempPath(dir);
  writeFileSync(good, 'chart bytes');
  const path = await commitDownload(dir, good, digestOf('chart bytes'), digestOf('chart bytes'));
  assert.equal(path, chartCachePath(dir, digestOf('chart bytes')));
  assert.equal(await isCached(path), true);

  const bad = await chartTempPath(dir);
  writeFileSync(bad, 'tampered');
  await assert.rejects(commitDownload(dir, bad, digestOf('tampered'), digestOf('chart bytes')), DigestMismatch);
  assert.deepEqual(readdirSync(join(dir, 'charts')), [path.split('/').pop()]);
});
