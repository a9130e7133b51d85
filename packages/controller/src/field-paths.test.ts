import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldPaths } from './field-paths.js';

test('leaf paths of a fieldsV1 set, keyed list items by their plain keys', () => {
  const fields = {
    'f:metadata': { 'f:labels': { '.': {}, 'f:tier': {} } },
    'f:spec': {
      'f:replicas': {},
      'f:template': {
        'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} } } },
      },
    },
    'f:data': { 'f:password': {} },
  };
  assert.deepEqual(fieldPaths(fields), [
    'data.password',
    'metadata.labels.tier',
    'spec.replicas',
    'spec.template.spec.containers[name=web].image',
  ]);
});

test('values never show: set members, odd keys and long keys print as […]', () => {
  const fields = {
    'f:metadata': { 'f:finalizers': { 'v:"example.com/s3cr3t-value"': {} } },
    'f:spec': { 'f:ports': { 'k:{"port":8080,"protocol":"TCP"}': { 'f:name': {} } } },
    'f:env': { 'k:{"name":"a b\\"c"}': { 'f:value': {} } },
  };
  const paths = fieldPaths(fields);
  assert.deepEqual(paths, ['env[…].value', 'metadata.finalizers[…]', 'spec.ports[port=8080,protocol=TCP].name']);
  assert.ok(!paths.join().includes('s3cr3t'));
});

test('bounded: at most `max` paths; empty and malformed input gives none', () => {
  const wide = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f:k${String(i).padStart(2, '0')}`, {}]));
  assert.equal(fieldPaths({ 'f:data': wide }, 5).length, 5);
  assert.deepEqual(fieldPaths(undefined), []);
  assert.deepEqual(fieldPaths('nonsense'), []);
  assert.deepEqual(fieldPaths({ '.': {} }), []);
});
