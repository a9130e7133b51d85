import assert from 'node:assert/strict';
import test from 'node:test';
import { Rendezvous } from './rendezvous.js';
import { handover } from './shard-handover.js';
import type { ShardSnapshot } from './shard-view.js';

const keys = Array.from({ length: 3_000 }, (_, i) => `GitSync/ns/app-${i}`);
const writing = (members: string[]): ShardSnapshot => ({ members, writing: true, reason: 'writing' });

test('a replica that starts writing gains exactly what hashes to it; one that stops loses all of it', () => {
  const joining: ShardSnapshot = { members: ['a', 'b'], writing: false, reason: 'joining' };
  const started = handover(keys, joining, writing(['a', 'b']), 'a');
  const ring = new Rendezvous(['a', 'b']);
  assert.deepEqual(
    started.gained,
    keys.filter((k) => ring.ownerOf(k) === 'a'),
  );
  assert.equal(started.lost.length, 0);
  const stale: ShardSnapshot = { members: ['a', 'b'], writing: false, reason: 'stale' };
  const stopped = handover(keys, writing(['a', 'b']), stale, 'a');
  assert.deepEqual(stopped.lost, started.gained);
  assert.equal(stopped.gained.length, 0);
});

test('a member leaving hands its objects to the others; nothing else moves', () => {
  const before = writing(['a', 'b', 'c']);
  const after = writing(['a', 'c']);
  const a = handover(keys, before, after, 'a');
  const c = handover(keys, before, after, 'c');
  const ofB = keys.filter((k) => new Rendezvous(['a', 'b', 'c']).ownerOf(k) === 'b');
  assert.equal(a.lost.length + c.lost.length, 0);
  assert.deepEqual([...a.gained, ...c.gained].sort(), [...ofB].sort());
  assert.ok(a.gained.length > 0 && c.gained.length > 0);
});
