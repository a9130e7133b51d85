import assert from 'node:assert/strict';
import { test } from 'node:test';
import { humanAge } from './human-age.js';

const now = new Date('2025-06-01T12:00:00Z');
const ago = (seconds: number): string => new Date(now.getTime() - seconds * 1000).toISOString();

test('humanAge follows kubectl: seconds, minutes, hours, days, years', () => {
  assert.equal(humanAge(ago(5), now), '5s');
  assert.equal(humanAge(ago(119), now), '119s');
  assert.equal(humanAge(ago(192), now), '3m12s');
  assert.equal(humanAge(ago(42 * 60), now), '42m');
  assert.equal(humanAge(ago(5 * 3600 + 3 * 60), now), '5h3m');
  assert.equal(humanAge(ago(20 * 3600), now), '20h');
  assert.equal(humanAge(ago(3 * 86400 + 4 * 3600), now), '3d4h');
  assert.equal(humanAge(ago(120 * 86400), now), '120d');
  assert.equal(humanAge(ago(10 * 365 * 86400), now), '10y');
});

test('humanAge: unreadable time is <unknown>, a future time 0s', () => {
  assert.equal(humanAge(undefined, now), '<unknown>');
  assert.equal(humanAge('yesterday', now), '<unknown>');
  assert.equal(humanAge(ago(-30), now), '0s');
});
