import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_RESTORES, planRestore, RESTORE_BACKOFF, type RestoreHistory } from './restore-backoff.js';

test('planRestore: the first change, and one after 10 s of quiet, are restored at once', () => {
  assert.deepEqual(planRestore(NO_RESTORES, 5_000), { streak: 0, notBefore: 5_000 });
  const history = { streak: 7, lastAt: 10_000 };
  assert.deepEqual(planRestore(history, 10_000 + RESTORE_BACKOFF.quietMs), {
    streak: 0,
    notBefore: 10_000 + RESTORE_BACKOFF.quietMs,
  });
});

test('planRestore: restores answered by changes back off 1 s, 2 s, 4 s … to 5 min after the last restore', () => {
  let history: RestoreHistory = NO_RESTORES;
  let now = 0;
  const waits: number[] = [];
  for (let i = 0; i < 12; i++) {
    const changedAt = now + 10; // the other writer answers 10 ms after each restore
    const plan = planRestore(history, changedAt);
    waits.push(plan.notBefore - now);
    now = plan.notBefore;
    history = { streak: plan.streak, lastAt: now };
  }
  assert.deepEqual(waits, [10, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000]);
});

test('planRestore: an answer that comes late is not held back further than its own time', () => {
  const plan = planRestore({ streak: 2, lastAt: 0 }, 9_000);
  assert.deepEqual(plan, { streak: 3, notBefore: 9_000 });
});
