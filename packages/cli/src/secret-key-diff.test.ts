import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffEncryptedData, diffSecretData } from './secret-key-diff.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

test('diffSecretData compares decoded bytes: added, removed, changed, unchanged', () => {
  const before = { same: b64('x'), gone: b64('y'), edited: b64('old') };
  const after = { same: b64('x'), edited: b64('new'), fresh: b64('z') };
  assert.deepEqual(diffSecretData(before, after), [
    { key: 'edited', change: 'changed' },
    { key: 'fresh', change: 'added' },
    { key: 'gone', change: 'removed' },
    { key: 'same', change: 'unchanged' },
  ]);
});

test('diffSecretData: an absent map is empty', () => {
  assert.deepEqual(diffSecretData(undefined, { a: b64('1') }), [{ key: 'a', change: 'added' }]);
  assert.deepEqual(diffSecretData({ a: b64('1') }, undefined), [{ key: 'a', change: 'removed' }]);
});

test('diffEncryptedData: other ciphertext is resealed, the same ciphertext unchanged', () => {
  assert.deepEqual(diffEncryptedData({ a: 'AAAA', b: 'BBBB', c: 'CCCC' }, { a: 'AAAA', b: 'B2B2', d: 'DDDD' }), [
    { key: 'a', change: 'unchanged' },
    { key: 'b', change: 'resealed' },
    { key: 'c', change: 'removed' },
    { key: 'd', change: 'added' },
  ]);
});
