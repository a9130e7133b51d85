import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ControllerError } from './controller-error.js';
import { formatDuration, parseDuration } from './duration.js';

test('parseDuration reads Go-style durations', () => {
  assert.equal(parseDuration('720h'), 720 * 3_600_000);
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('0s'), 0);
});

test('parseDuration refuses malformed input', () => {
  for (const bad of ['', '10', 'h', '-1h', '1d', '1h 30m', '1hh', 'abc']) {
    assert.throws(() => parseDuration(bad), ControllerError, bad);
  }
});

test('formatDuration round-trips through parseDuration', () => {
  for (const ms of [1_000, 90_000, 5_400_000, 720 * 3_600_000]) {
    assert.equal(parseDuration(formatDuration(ms)), ms);
  }
  assert.equal(formatDuration(5_400_000), '1h30m0s');
});
