import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NewestByKey } from './newest-by-key.js';

test('newest by time, then rank, then arrival; older arrivals refused; keys apart', () => {
  const newest = new NewestByKey();
  const pending = newest.observe({ key: 'a', rank: 0 }, 100);
  assert.ok(pending !== undefined);
  assert.equal(newest.isNewest('a', pending), true);
  const success = newest.observe({ key: 'a', rank: 1 }, 100);
  assert.ok(success !== undefined);
  assert.equal(newest.isNewest('a', pending), false, 'a final state in the same millisecond wins');
  assert.equal(newest.observe({ key: 'a', rank: 0 }, 100), undefined, 'a pending of the same time comes too late');
  assert.equal(newest.observe({ key: 'a', rank: 1 }, 99), undefined, 'an older final state comes too late');
  const again = newest.observe({ key: 'a', rank: 1 }, 100);
  assert.ok(again !== undefined && newest.isNewest('a', again) && !newest.isNewest('a', success));
  const resync = newest.observe({ key: 'a', rank: 0 }, 200);
  assert.ok(resync !== undefined && newest.isNewest('a', resync), 'a later pending (a new sync) goes');
  const other = newest.observe({ key: 'b', rank: 0 }, 1);
  assert.ok(other !== undefined && newest.isNewest('b', other));
});

test('forgets the least recently taken keys beyond its capacity', () => {
  const newest = new NewestByKey(3);
  for (const key of ['a', 'b', 'c', 'd']) newest.observe({ key, rank: 0 }, 10);
  assert.equal(newest.size, 3);
  assert.ok(newest.observe({ key: 'a', rank: 0 }, 1) !== undefined, 'a was forgotten');
  assert.equal(newest.observe({ key: 'd', rank: 0 }, 1), undefined, 'd is remembered');
});
