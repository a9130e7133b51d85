import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonPointer, replaceAt, valueAt } from './json-pointer.js';

describe('json pointer', () => {
  it('parses RFC 6901 escapes and refuses anything else', () => {
    assert.deepEqual(parseJsonPointer('/spec/replicas'), ['spec', 'replicas']);
    assert.deepEqual(parseJsonPointer('/metadata/annotations/a~1b~0c'), ['metadata', 'annotations', 'a/b~c']);
    assert.deepEqual(parseJsonPointer('/a/'), ['a', '']);
    assert.deepEqual(parseJsonPointer('/'), ['']);
    for (const bad of ['', 'spec', '/a~2', '/a~']) assert.equal(parseJsonPointer(bad), undefined, bad);
  });

  it('reads objects and arrays, undefined for missing paths', () => {
    const doc = { spec: { replicas: 3, containers: [{ image: 'a' }] } };
    assert.equal(valueAt(doc, ['spec', 'replicas']), 3);
    assert.equal(valueAt(doc, ['spec', 'containers', '0', 'image']), 'a');
    assert.equal(valueAt(doc, ['spec', 'containers', '1', 'image']), undefined);
    assert.equal(valueAt(doc, ['spec', 'containers', '01']), undefined);
    assert.equal(valueAt(doc, ['spec', 'toString']), undefined);
  });

  it('replaces or removes only existing paths, never creates parents', () => {
    const doc: Record<string, unknown> = { spec: { replicas: 1, list: [1, 2, 3] } };
    replaceAt(doc, ['spec', 'replicas'], 5);
    replaceAt(doc, ['spec', 'list', '1'], undefined);
    replaceAt(doc, ['spec', 'missing'], 1);
    replaceAt(doc, ['status', 'x'], 1);
    assert.deepEqual(doc, { spec: { replicas: 5, list: [1, 3] } });
    replaceAt(doc, ['spec', 'replicas'], undefined);
    assert.deepEqual(doc, { spec: { list: [1, 3] } });
  });
});
