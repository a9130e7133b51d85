import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdleCollector } from './idle-collector.js';

test('collections start once work has been quiet for quietMs, `rounds` of them; new work ends the spell', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let collected = 0;
  const collector = new IdleCollector({ quietMs: 1_000, rounds: 2, gapMs: 500, collect: () => collected++ });
  for (let i = 0; i < 5; i++) {
    collector.noteWork();
    t.mock.timers.tick(900);
  }
  assert.equal(collected, 0, 'work every 900 ms keeps it waiting');
  t.mock.timers.tick(100);
  assert.equal(collected, 1, 'the first collection, 1 s after the last work');
  t.mock.timers.tick(499);
  assert.equal(collected, 1);
  t.mock.timers.tick(1);
  assert.equal(collected, 2, 'the second, gapMs later');
  t.mock.timers.tick(60_000);
  assert.equal(collected, 2, 'nothing more without new work');
  collector.noteWork();
  t.mock.timers.tick(1_000);
  assert.equal(collected, 3);
  collector.noteWork(); // work between the rounds: the spell starts over
  t.mock.timers.tick(500);
  assert.equal(collected, 3);
  t.mock.timers.tick(500);
  assert.equal(collected, 4);
  collector.stop();
  t.mock.timers.tick(60_000);
  assert.equal(collected, 4, 'stopped: nothing pending runs');
  assert.equal(collector.collections, 4);
});

test('the default collector runs a real full collection, without a global gc()', async () => {
  const collector = new IdleCollector({ quietMs: 5, rounds: 1 });
  // ~10 MiB of objects that nothing references once the function returns.
  const made = ((): number => Array.from({ length: 200_000 }, (_, i) => ({ i, s: `x${i}` })).length)();
  assert.equal(made, 200_000);
  const before = process.memoryUsage().heapUsed;
  collector.noteWork();
  await sleep(100); // nothing allocates meanwhile: only the collector's collection frees the array
  const after = process.memoryUsage().heapUsed;
  assert.equal(collector.collections, 1);
  assert.ok(before - after > 5 * 2 ** 20, `heap used ${before} → ${after}`);
  assert.equal((globalThis as { gc?: unknown }).gc, undefined, 'the global scope gets no gc()');
});
