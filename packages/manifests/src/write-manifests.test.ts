import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseManifests } from './parse-manifests.js';
import { formatManifests } from './write-manifests.js';

const LONG = 'A'.repeat(600) + '==';
const sealed = (name: string) => ({
  apiVersion: 'gitseal.dev/v1alpha1',
  kind: 'SealedSecret',
  metadata: { name, namespace: 'prod' },
  spec: { encryptedData: { zeta: LONG, alpha: 'AgB=' }, template: { type: 'Opaque' } },
});

test('YAML: documents separated by ---, key order kept, long values on one line', () => {
  const text = formatManifests([sealed('a'), sealed('b')], 'yaml');
  assert.equal(text.split('\n---\n').length, 2);
  assert.ok(text.includes(`zeta: ${LONG}\n`));
  assert.ok(text.indexOf('zeta:') < text.indexOf('alpha:'));
  assert.ok(text.indexOf('apiVersion:') < text.indexOf('kind:'));
  assert.deepEqual(
    parseManifests(text, { source: 'out.yaml' }).map((m) => m.object),
    [sealed('a'), sealed('b')],
  );
});

test('YAML output reads back unchanged through the kubectl-compatible reader', () => {
  const tricky = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c' },
    data: Object.fromEntries(
      [
        'yes',
        'on',
        'y',
        'N',
        '0644',
        '0o17',
        '1e3',
        '1:30',
        '2001-12-14',
        '~',
        'null',
        '',
        ' lead',
        '#x',
        'a: b',
        '09',
      ].map((v, i) => [`k${i}`, v]),
    ),
  };
  const text = formatManifests([tricky], 'yaml');
  assert.deepEqual(parseManifests(text, { source: 'c.yaml' })[0]?.object, tricky);
});

test('JSON: one object as is, several as a v1 List', () => {
  const one = formatManifests([sealed('a')], 'json');
  assert.equal(one, `${JSON.stringify(sealed('a'), null, 2)}\n`);
  const many = JSON.parse(formatManifests([sealed('a'), sealed('b')], 'json')) as Record<string, unknown>;
  assert.deepEqual(many, { apiVersion: 'v1', kind: 'List', items: [sealed('a'), sealed('b')] });
  assert.deepEqual(
    parseManifests(formatManifests([sealed('a'), sealed('b')], 'json'), { source: 'x.json' }).map(
      (m) => m.object.metadata?.name,
    ),
    ['a', 'b'],
  );
});
