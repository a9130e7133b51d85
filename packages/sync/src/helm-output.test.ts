import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readHelmOutput } from './helm-output.js';

const limits = { maxBytes: 1024 * 1024, maxObjects: 100 };

test('each object is named by the template that made it, counting that template’s documents', () => {
  const output = [
    '---',
    '# Source: wp/templates/web.yaml',
    'apiVersion: v1',
    'kind: Service',
    'metadata: { name: web }',
    '---',
    '# Source: wp/templates/web.yaml',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: { name: web }',
    '---',
    '# Source: wp/charts/db/templates/db.yaml',
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- { apiVersion: v1, kind: ConfigMap, metadata: { name: a } }',
    '---',
    '',
  ].join('\n');
  const objects = readHelmOutput(output, 'charts/wp', limits);
  assert.deepEqual(
    objects.map((o) => `${o.source} ${o.object.kind}`),
    [
      'wp/templates/web.yaml#0 Service',
      'wp/templates/web.yaml#1 Deployment',
      'wp/charts/db/templates/db.yaml#0[0] ConfigMap',
    ],
  );
});

test('a document without a Source comment is named by the chart; the object cap holds across documents', () => {
  const doc = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\n`;
  assert.equal(readHelmOutput(`---\n${doc('a')}`, 'charts/wp', limits)[0]?.source, 'charts/wp#0');
  const many = Array.from({ length: 5 }, (_, i) => `---\n# Source: c/t.yaml\n${doc(`n${i}`)}`).join('');
  assert.throws(() => readHelmOutput(many, 'c', { ...limits, maxObjects: 3 }));
});
