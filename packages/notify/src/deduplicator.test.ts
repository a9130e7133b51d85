import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dedupKey } from './dedup-key.js';
import { Deduplicator } from './deduplicator.js';
import { driftEvent } from './test-events.js';

test('100 repeats inside one window: the first is sent, the other 99 come out as one folded notification', () => {
  const dedup = new Deduplicator(60_000);
  const event = driftEvent();
  const key = dedupKey(event);
  const sent = Array.from({ length: 100 }, (_, i) => dedup.observe(key, event, 1000 + i * 500));
  assert.equal(sent.filter(Boolean).length, 1);
  assert.deepEqual(dedup.expire(60_999), [], 'window still open');
  const folded = dedup.expire(61_000);
  assert.equal(folded.length, 1);
  assert.equal(folded[0]?.count, 99);
  assert.equal(folded[0]?.firstSeen.getTime(), 1500);
  assert.equal(folded[0]?.lastSeen.getTime(), 1000 + 99 * 500);
  assert.equal(dedup.size, 0);
});

test('a window without repeats closes silently, and the next occurrence is sent again', () => {
  const dedup = new Deduplicator(1000);
  const event = driftEvent();
  assert.equal(dedup.observe(dedupKey(event), event, 0), true);
  assert.deepEqual(dedup.expire(1000), []);
  assert.equal(dedup.observe(dedupKey(event), event, 1001), true);
});

test('different objects or fields are different events; field order does not matter', () => {
  const a = driftEvent();
  const reordered = driftEvent({ fields: [...a.fields].reverse(), at: new Date(0) });
  const otherField = driftEvent({ fields: ['spec.paused'] });
  const otherObject = driftEvent({ target: { kind: 'Deployment', namespace: 'team-a', name: 'api' } });
  assert.equal(dedupKey(a), dedupKey(reordered));
  assert.notEqual(dedupKey(a), dedupKey(otherField));
  assert.notEqual(dedupKey(a), dedupKey(otherObject));
  const dedup = new Deduplicator(60_000);
  assert.deepEqual(
    [a, reordered, otherField, otherObject].map((e) => dedup.observe(dedupKey(e), e, 10)),
    [true, false, true, true],
  );
  assert.equal(dedup.expire(0, true).length, 1, 'expire(all) closes open windows early');
});
