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

test('drift while a heal is scheduled joins it: the same due time, the streak unchanged', () => {
  const heals = new DriftHeals(options);
  heals.drift('k', 'ConfigMap ns/a', ['fighter'], 0);
  assert.equal(heals.drift('k', 'ConfigMap ns/a', ['fighter'], 50), 950);
  // Still scheduled (the queue may have dropped the delayed key when an earlier run started): same due time.
  assert.equal(heals.drift('k', 'ConfigMap ns/a', ['fighter'], 500), 500);
  assert.equal(heals.drift('k', 'ConfigMap ns/a', ['fighter'], 999), 1);
  // The next answer after that heal backs off by 2 s, not 4 s: joining did not count as a heal.
  assert.equal(heals.drift('k', 'ConfigMap ns/a', ['fighter'], 1_100), 1_900);
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

test("gitseal's own write waits for the next heal the backoff allows while a streak is on, else runs at once", () => {
  const heals = new DriftHeals(options);
  assert.equal(heals.ownWrite('k', 'ConfigMap ns/a', 0), 0, 'no heal yet: at once');
  heals.drift('k', 'ConfigMap ns/a', ['fighter'], 0); // healed at 0, streak 0
  assert.equal(
    heals.ownWrite('k', 'ConfigMap ns/a', 40),
    960,
    'the echo of the first heal: not before the 1 s backoff',
  );
  heals.drift('k', 'ConfigMap ns/a', ['fighter'], 100); // answered: heal at 1 000, streak 1
  assert.equal(heals.ownWrite('k', 'ConfigMap ns/a', 1_040), 1_960, 'the echo of the second heal: not before 3 000');
  assert.equal(heals.ownWrite('k', 'ConfigMap ns/a', 20_000), 0, 'after the quiet period: at once');
});

test('other objects drifting one after another are each healed at once; only the fought object backs off', () => {
  const heals = new DriftHeals();
  // Someone edits seven objects of one GitSync, 200 ms apart: every one is put back at once.
  for (let i = 0; i < 7; i++) assert.equal(heals.drift('k', `ConfigMap ns/cm-${i}`, ['kubectl-edit'], i * 200), 0);
  assert.equal(heals.contestOf('k', 1_400), undefined, 'no contest: no object was changed back twice');
  // A fighter answers the heals of one object: it backs off (1 s, then 2 s) while another object still heals at once.
  assert.equal(heals.drift('k', 'ConfigMap ns/fought', ['fighter'], 10_000), 0);
  assert.equal(heals.drift('k', 'ConfigMap ns/fought', ['fighter'], 10_100), 900);
  assert.equal(heals.drift('k', 'ConfigMap ns/other', ['kubectl-edit'], 10_200), 0, 'another object: at once');
  assert.equal(heals.drift('k', 'ConfigMap ns/fought', ['fighter'], 11_100), 1_900, 'the fight keeps its backoff');
  assert.match(heals.contestOf('k', 11_100)?.message ?? '', /^ConfigMap ns\/fought: changed back by field manager/);
});
