import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from './token-bucket.js';

test('a burst goes at once, then sends are spaced by the rate', () => {
  const bucket = new TokenBucket({ perMinute: 60, burst: 3 }, 0);
  assert.deepEqual([bucket.take(0), bucket.take(0), bucket.take(0)], [0, 0, 0]);
  assert.equal(bucket.take(0), 1000);
  assert.equal(bucket.take(500), 500);
  assert.equal(bucket.take(1000), 0);
  assert.equal(bucket.take(1000), 1000);
});

test('tokens refill up to the burst only', () => {
  const bucket = new TokenBucket({ perMinute: 600, burst: 2 }, 0);
  assert.deepEqual([bucket.take(3_600_000), bucket.take(3_600_000), bucket.take(3_600_000) > 0], [0, 0, true]);
  assert.throws(() => new TokenBucket({ perMinute: 0 }, 0), /rate limit/);
});
