import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chartIndexEntries, ChartIndexError, repositoryBase } from './chart-repo-index.js';

const hex = 'a'.repeat(64);
const index = `apiVersion: v1
entries:
  web:
    - name: web
      version: 1.2.0
      urls: [charts/web-1.2.0.tgz]
      digest: ${hex}
      created: 2026-01-02T03:04:05.123456789Z
    - name: web
      version: 1.0.0
      urls: [https://elsewhere.example/web-1.0.0.tgz]
  db: []
generated: 2026-01-02T03:04:05Z
`;

test('reads the versions, URLs and digests of one chart', () => {
  assert.deepEqual(chartIndexEntries(index, 'web', 1 << 20), [
    { version: '1.2.0', urls: ['charts/web-1.2.0.tgz'], digest: `sha256:${hex}` },
    { version: '1.0.0', urls: ['https://elsewhere.example/web-1.0.0.tgz'] },
  ]);
  assert.deepEqual(chartIndexEntries(index, 'db', 1 << 20), []);
  assert.deepEqual(chartIndexEntries(index, 'none', 1 << 20), []);
  assert.deepEqual(chartIndexEntries(index, 'constructor', 1 << 20), []);
});

test('refuses malformed indexes with a line that names the field, not the content', () => {
  const bad = (text: string, pattern: RegExp) =>
    assert.throws(
      () => chartIndexEntries(text, 'web', 1 << 20),
      (e: Error) => e instanceof ChartIndexError && pattern.test(e.message),
    );
  bad('- a list\n', /not a mapping/);
  bad('apiVersion: v1\n', /entries is missing/);
  bad('entries:\n  web: {}\n', /entries\.web is not a list/);
  bad('entries:\n  web:\n    - version: 1.0.0\n', /entries\.web\[0\]\.urls/);
  bad('entries:\n  web:\n    - urls: [a.tgz]\n', /entries\.web\[0\]\.version/);
  bad('entries:\n  web:\n    - {version: 1.0.0, urls: [a.tgz], digest: sekrit}\n', /digest is not a sha256 digest/);
  bad('entries: [\n', /index\.yaml/);
});

test('an index over the cap is refused before parsing', () => {
  assert.throws(() => chartIndexEntries(index, 'web', 100), /larger than 100 bytes/);
});

test('repositoryBase ends in one slash so relative chart URLs resolve inside the repository', () => {
  assert.equal(
    new URL('index.yaml', repositoryBase('https://h.example/charts')).href,
    'https://h.example/charts/index.yaml',
  );
  assert.equal(
    new URL('index.yaml', repositoryBase('https://h.example/charts/')).href,
    'https://h.example/charts/index.yaml',
  );
  assert.equal(new URL('a-1.tgz', repositoryBase('https://h.example')).href, 'https://h.example/a-1.tgz');
});
