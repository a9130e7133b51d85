import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from './backoff.js';

test('backoffDelay grows exponentially from base and caps at max', () => {
  const options = { baseMs: 100, maxMs: 1000 };
  assert.deepEqual(
    [0, 1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, options)),
    [100, 200, 400, 800, 1000, 1000],
  );
});

test('backoffDelay honours a custom factor', () => {
  assert.equal(backoffDelay(2, { baseMs: 10, maxMs: 10_000, factor: 3 }), 90);
});

test('backoffDelay jitter reduces the delay by at most the jitter fraction', () => {
  const options = { baseMs: 1000, maxMs: 1000, jitter: 0.5 };
  assert.equal(
    backoffDelay(0, options, () => 0),
    1000,
  );
  assert.equal(
    backoffDelay(0, options, () => 0.999999),
    500,
  );
  for (let i = 0; i < 200; i += 1) {
    const delay = backoffDelay(0, options);
    assert.ok(delay >= 500 && delay <= 1000, `delay ${delay} out of range`);
  }
});

test('backoffDelay never returns less than 1 ms, even for zero base or full jitter', () => {
  assert.equal(backoffDelay(0, { baseMs: 0, maxMs: 0 }), 1);
  assert.equal(
    backoffDelay(0, { baseMs: 10, maxMs: 10, jitter: 1 }, () => 1),
    1,
  );
  assert.equal(backoffDelay(-3, { baseMs: 50, maxMs: 100 }), 50);
});
