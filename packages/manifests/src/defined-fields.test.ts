import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definedFields } from './defined-fields.js';

test('definedFields drops undefined fields only, keeping null, false, 0 and empty strings', () => {
  const out = definedFields({ a: 1, b: undefined as string | undefined, c: null, d: false, e: 0, f: '' });
  assert.deepEqual(out, { a: 1, c: null, d: false, e: 0, f: '' });
  assert.equal(Object.hasOwn(out, 'b'), false);
});
