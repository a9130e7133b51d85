import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffFields, flattenFields } from './field-diff.js';

test('flattenFields: dotted paths, quoted keys, array indices, empty containers as leaves', () => {
  const flat = flattenFields({
    metadata: { labels: { 'app.kubernetes.io/name': 'web', team: 'a' } },
    spec: { ports: [{ port: 80 }], selector: {}, list: [] },
  });
  assert.deepEqual(
    [...flat.entries()],
    [
      ['metadata.labels["app.kubernetes.io/name"]', 'web'],
      ['metadata.labels.team', 'a'],
      ['spec.ports[0].port', 80],
      ['spec.selector', {}],
      ['spec.list', []],
    ],
  );
});

test('diffFields: added, removed and changed leaves, sorted by path; equal objects give nothing', () => {
  const before = { data: { a: '1', b: '2' }, spec: { replicas: 1 } };
  const after = { data: { a: '1', c: '3' }, spec: { replicas: 2 } };
  assert.deepEqual(diffFields(before, after), [
    { path: 'data.b', kind: 'removed', before: '2' },
    { path: 'data.c', kind: 'added', after: '3' },
    { path: 'spec.replicas', kind: 'changed', before: 1, after: 2 },
  ]);
  assert.deepEqual(diffFields(before, structuredClone(before)), []);
});

test('diffFields: a type change at the same path is a change, an emptied map shows its old leaves removed', () => {
  assert.deepEqual(diffFields({ a: '1' }, { a: 1 }), [{ path: 'a', kind: 'changed', before: '1', after: 1 }]);
  assert.deepEqual(diffFields({ m: { k: 'v' } }, { m: {} }), [
    { path: 'm', kind: 'added', after: {} },
    { path: 'm.k', kind: 'removed', before: 'v' },
  ]);
});
