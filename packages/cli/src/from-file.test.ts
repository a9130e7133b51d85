import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CliError } from './cli-error.js';
import { parseFromFile, parseFromFiles } from './from-file.js';

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

test('several --from-file: distinct keys are kept in order; a key given twice is a usage error naming it', () => {
  assert.deepEqual(parseFromFiles(['a=x.txt', 'b.txt']), [
    { key: 'a', path: 'x.txt' },
    { key: 'b.txt', path: 'b.txt' },
  ]);
  assert.throws(
    () => parseFromFiles(['password=one.txt', 'other=two.txt', 'password=three.txt']),
    (error: unknown) =>
      error instanceof CliError &&
      error.exitCode === 2 &&
      error.message === '--from-file: key "password" given twice (one.txt and three.txt)',
  );
  assert.throws(() => parseFromFiles(['dir/a.txt', 'other/a.txt']), /key "a\.txt" given twice/);
});
