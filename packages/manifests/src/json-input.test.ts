import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findDuplicateJsonKey } from './json-input.js';

test('findDuplicateJsonKey finds a key repeated in one object, wherever it is nested', () => {
  assert.equal(findDuplicateJsonKey('{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}'), undefined);
  assert.deepEqual(findDuplicateJsonKey('{"a":1,"a":2}'), { line: 1, column: 8 });
  assert.deepEqual(findDuplicateJsonKey('{\n "x": {"k": "v",\n  "k": "w"}}'), { line: 3, column: 3 });
  assert.deepEqual(findDuplicateJsonKey('[{"a":[1,{"b":1}],"a":0}]'), { line: 1, column: 19 });
});

test('findDuplicateJsonKey compares keys unescaped and is not fooled by strings that look like keys', () => {
  assert.deepEqual(findDuplicateJsonKey('{"\\u0061":1,"a":2}'), { line: 1, column: 13 });
  assert.equal(findDuplicateJsonKey('{"a":"\\"a\\":1,","b":"{\\"a\\""}'), undefined);
  assert.equal(findDuplicateJsonKey('{"a":"x","b":["a","a"]}'), undefined);
  assert.equal(findDuplicateJsonKey('{"a\\\\":1,"a":2}'), undefined);
});
