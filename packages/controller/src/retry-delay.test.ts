import assert from 'node:assert/strict';
import test from 'node:test';
import { retryDelay } from './retry-delay.js';

const mid = { random: () => 0.5 };

test('retryDelay doubles from 2 s per consecutive failure, up to the interval or 5 minutes', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => retryDelay(n, 3_600_000, mid)),
    [2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000],
  );
  assert.equal(retryDelay(10, 60_000, mid), 60_000, 'never longer than the interval');
  assert.equal(retryDelay(1_000, 3_600_000, mid), 300_000, 'no overflow');
});

test('retryDelay spreads each delay by ±20 %', () => {
  assert.equal(retryDelay(3, 3_600_000, { random: () => 0 }), 6_400);
  assert.equal(retryDelay(3, 3_600_000, { random: () => 1 }), 9_600);
  const seen = new Set(Array.from({ length: 50 }, () => retryDelay(3, 3_600_000)));
  assert.ok(seen.size > 10, 'random spread');
  for (const d of seen) assert.ok(d >= 6_400 && d <= 9_600, String(d));
});
