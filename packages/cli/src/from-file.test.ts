import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CliError } from './cli-error.js';
import { parseFromFile } from './from-file.js';

test('the key defaults to the basename', () => {
  assert.deepEqual(parseFromFile('dir/sub/api.token'), { key: 'api.token', path: 'dir/sub/api.token' });
});

test('KEY=PATH sets the key; the path may hold "="', () => {
  assert.deepEqual(parseFromFile('password=./a=b.txt'), { key: 'password', path: './a=b.txt' });
});

test('invalid keys and empty paths are refused', () => {
  assert.throws(() => parseFromFile('bad key=x'), CliError);
  assert.throws(() => parseFromFile('=x'), CliError);
  assert.throws(() => parseFromFile('k='), /no file path/);
  assert.throws(() => parseFromFile('a/..'), /not a valid Secret key/);
});
