import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTokenBucket } from './token-bucket.js';

test('a bucket allows a burst, then refills at its rate', () => {
  let now = 0;
  const bucket = createTokenBucket(3, 2, () => now);
  assert.deepEqual([bucket.take(), bucket.take(), bucket.take(), bucket.take()], [true, true, true, false]);
  now += 499;
  assert.equal(bucket.take(), false);
  now += 1;
  assert.equal(bucket.take(), true);
  assert.equal(bucket.take(), false);
  now += 60_000;
  assert.deepEqual([bucket.take(), bucket.take(), bucket.take(), bucket.take()], [true, true, true, false]);
});

test('a cost of n takes n tokens at once or none, and says how long until it would fit', () => {
  let now = 0;
  const bucket = createTokenBucket(64, 32, () => now);
  assert.equal(bucket.take(60), true);
  assert.equal(bucket.tokens(), 4);
  assert.equal(bucket.take(5), false);
  assert.equal(bucket.tokens(), 4, 'a refused take takes nothing');
  assert.equal(bucket.waitMs(5), 32); // 1 token at 32/s
  assert.equal(bucket.waitMs(64), 1875); // 60 tokens at 32/s
  assert.equal(bucket.waitMs(4), 0);
  assert.equal(bucket.waitMs(65), Infinity, 'more than the burst never fits');
  now += 1875;
  assert.equal(bucket.isFull(), true);
  assert.equal(bucket.take(64), true);
});

test('charge goes into debt (at most one burst deep) and the debt is paid back before anything is granted', () => {
  let now = 0;
  const bucket = createTokenBucket(10, 10, () => now);
  bucket.charge(4);
  assert.equal(bucket.tokens(), 6);
  bucket.charge(50);
  assert.equal(bucket.tokens(), -10);
  assert.equal(bucket.take(), false);
  assert.equal(bucket.waitMs(1), 1100);
  now += 1099;
  assert.equal(bucket.take(), false);
  now += 1;
  assert.equal(bucket.take(), true);
});

test('a clock that steps back neither refills nor drains', () => {
  let now = 10_000;
  const bucket = createTokenBucket(2, 1, () => now);
  assert.equal(bucket.take(2), true);
  now = 0;
  assert.equal(bucket.take(), false);
  now = 10_999;
  assert.equal(bucket.take(), false);
  now = 11_000;
  assert.equal(bucket.take(), true);
});

test('capacity and rate must be positive', () => {
  assert.throws(() => createTokenBucket(0, 1), RangeError);
  assert.throws(() => createTokenBucket(1, 0), RangeError);
});
