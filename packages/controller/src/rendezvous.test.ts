import assert from 'node:assert/strict';
import test from 'node:test';
import { hash2, movement, murmur3, Rendezvous, weight } from './rendezvous.js';

const keys = Array.from({ length: 20_000 }, (_, i) => `SealedSecret/ns-${i % 97}/secret-${i}`);
const members = (n: number): string[] => Array.from({ length: n }, (_, i) => `replica-${i}_${1000 + i}_a1b2c3d4`);

function counts(ring: Rendezvous): Map<string, number> {
  const out = new Map<string, number>(ring.members.map((m) => [m, 0]));
  for (const key of keys) {
    const owner = ring.ownerOf(key) ?? '';
    out.set(owner, (out.get(owner) ?? 0) + 1);
  }
  return out;
}

test('murmur3 matches the reference vectors (ASCII strings as code units)', () => {
  // MurmurHash3_x86_32 of "" with seed 0 is 0, with seed 1 is 0x514E28B7 (reference implementation).
  assert.equal(murmur3('', 0), 0);
  assert.equal(murmur3('', 1), 0x514e28b7);
  assert.notEqual(murmur3('a', 0), murmur3('b', 0));
  assert.equal(murmur3('SealedSecret/a/b', 7), murmur3('SealedSecret/a/b', 7), 'deterministic');
});

test('weights are 52-bit integers and differ per member', () => {
  const object = hash2('GitSync/ns/app');
  const w1 = weight(hash2('a'), object);
  const w2 = weight(hash2('b'), object);
  assert.ok(Number.isSafeInteger(w1) && w1 >= 0 && w1 < 2 ** 52);
  assert.notEqual(w1, w2);
});

test('every replica computes the same owner, whatever the order it lists the members in', () => {
  const a = new Rendezvous(['x', 'y', 'z']);
  const b = new Rendezvous(['z', 'x', 'y', 'x']);
  for (const key of keys.slice(0, 500)) assert.equal(a.ownerOf(key), b.ownerOf(key));
  assert.equal(new Rendezvous([]).ownerOf('anything'), undefined);
  assert.equal(new Rendezvous(['solo']).ownerOf('anything'), 'solo');
});

test('balance: 10 members share 20,000 objects within 6% of the mean', () => {
  const spread = [...counts(new Rendezvous(members(10))).values()];
  const mean = keys.length / 10;
  const max = Math.max(...spread);
  const min = Math.min(...spread);
  assert.ok(max / mean < 1.06, `hot spot ${max} vs mean ${mean}`);
  assert.ok(min / mean > 0.94, `cold spot ${min} vs mean ${mean}`);
});

test('a joining member takes about 1/N of the objects, all from the others, and nothing else moves', () => {
  const before = new Rendezvous(members(3));
  const after = new Rendezvous(members(4));
  const joiner = members(4)[3] ?? '';
  const moved = movement(keys, before, after, joiner);
  assert.equal(moved.lost.length, 0);
  assert.equal(moved.gained.length, moved.moved, 'every moved object went to the joiner');
  const share = moved.moved / keys.length;
  assert.ok(Math.abs(share - 1 / 4) < 0.02, `moved ${share} of the objects, ideal 0.25`);
});

test('a leaving member hands over exactly its own objects', () => {
  const all = members(5);
  const before = new Rendezvous(all);
  const gone = all[2] ?? '';
  const after = new Rendezvous(all.filter((m) => m !== gone));
  const owned = keys.filter((k) => before.ownerOf(k) === gone).length;
  const moved = movement(keys, before, after, gone);
  assert.equal(moved.moved, owned, 'only the leaver’s objects move');
  assert.equal(moved.lost.length, owned);
  assert.ok(Math.abs(owned / keys.length - 1 / 5) < 0.02);
  // Each survivor keeps what it had.
  for (const key of keys) {
    const was = before.ownerOf(key);
    if (was !== gone) assert.equal(after.ownerOf(key), was);
  }
});
