import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DriftHeals } from './drift-heals.js';

const options = { baseMs: 1_000, maxMs: 8_000, quietMs: 10_000 };

test('the first drift heals at once, drift answering a heal backs off up to the cap', () => {
  const heals = new DriftHeals(options);
  let now = 0;
  const delays: number[] = [];
  for (let i = 0; i < 7; i++) {
    const delay = heals.drift('ns/app', 'ConfigMap ns/a', ['fighter'], now);
    assert.notEqual(delay, undefined);
    delays.push(delay!);
    now += delay! + 100; // the fighter answers 100 ms after each heal
  }
  assert.deepEqual(
    delays,
    [0, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000].map((d, i) => (i === 0 ? 0 : d - 100)),
  );
});

test('drift while a heal is scheduled joins it', () => {
  const heals = new DriftHeals(options);
  heals.drift('k', 'ConfigMap ns/a', [], 0);
  assert.equal(heals.drift('k', 'ConfigMap ns/a', [], 50), 950);
  assert.equal(heals.drift('k', 'ConfigMap ns/a', [], 500), undefined);
});

test('a contest names the other managers, is reported once, and ends after a quiet period', () => {
  const heals = new DriftHeals(options);
  heals.drift('k', 'ConfigMap ns/a', ['fighter'], 0);
  assert.equal(heals.contestOf('k', 10), undefined);
  heals.drift('k', 'ConfigMap ns/a', ['fighter'], 100);
  heals.drift('k', 'ConfigMap ns/a', ['fighter'], 1_200);
  const contest = heals.contestOf('k', 3_000);
  assert.ok(contest);
  assert.deepEqual(contest.managers, ['fighter']);
  assert.match(contest.message, /^ConfigMap ns\/a: changed back by field manager "fighter" after 2 re-applies/);
  assert.equal(heals.takeUnreported('k'), true);
  assert.equal(heals.takeUnreported('k'), false);
  assert.equal(heals.contestOf('k', 60_000), undefined);
  // Drift long after: a fresh start, healed at once, no contest.
  assert.equal(heals.drift('k', 'ConfigMap ns/a', ['fighter'], 60_000), 0);
  assert.equal(heals.contestOf('k', 60_001), undefined);
});
