import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renewalDelay } from './renewal-delay.js';

const DAY = 24 * 3600_000;

test('renewalDelay waits until the newest key is due, between 1 s and 1 h', () => {
  const now = 10 * DAY;
  assert.equal(renewalDelay({ now, periodMs: 30 * DAY, newestNotBefore: now - 1_000, failures: 0 }), 3600_000);
  assert.equal(renewalDelay({ now, periodMs: DAY, newestNotBefore: now - DAY + 5_000, failures: 0 }), 5_000);
  assert.equal(renewalDelay({ now, periodMs: DAY, newestNotBefore: now - 2 * DAY, failures: 0 }), 1_000);
  assert.equal(renewalDelay({ now, periodMs: DAY, newestNotBefore: undefined, failures: 0 }), 1_000);
});

test('renewalDelay backs off after failures: 5 s doubling to 5 min, not every second', () => {
  const state = { now: 10 * DAY, periodMs: DAY, newestNotBefore: 0 };
  const delays = [1, 2, 3, 4, 5, 6, 7, 20].map((failures) => renewalDelay({ ...state, failures }));
  assert.deepEqual(delays, [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
});
