#!/usr/bin/env node
// Simulation of --shards auto's assignment (the controller's own rendezvous hashing, no cluster): 10 replicas ×
// 100,000 objects (BENCH_SHARDS_REPLICAS, BENCH_SHARDS_OBJECTS). Prints the hot-spot ratio (max/mean objects per
// replica), and for a replica joining and one leaving: the objects moved vs the ideal 1/N, and whether any object
// moved between two replicas that both stayed (rendezvous hashing: never). Then one JSON line for the bench driver.
/* global performance */
import { Rendezvous, hash2 } from '../../packages/controller/dist/rendezvous.js';

const REPLICAS = Number(process.env.BENCH_SHARDS_REPLICAS ?? 10);
const OBJECTS = Number(process.env.BENCH_SHARDS_OBJECTS ?? 100_000);
const identity = (i) => `gitseal-controller-7d9f8c6b5-${i.toString(36).padStart(5, 'x')}_1_${(i * 2654435761) >>> 0}`;
const kinds = ['SealedSecret', 'GitSync'];
const keys = Array.from({ length: OBJECTS }, (_, i) => `${kinds[i % 10 === 0 ? 1 : 0]}/team-${i % 137}/object-${i}`);
const hashes = keys.map(hash2);

function assign(members) {
  const ring = new Rendezvous(members);
  return hashes.map((h) => ring.ownerOfHash(h));
}

function spread(owners, members) {
  const counts = new Map(members.map((m) => [m, 0]));
  for (const o of owners) counts.set(o, (counts.get(o) ?? 0) + 1);
  const values = [...counts.values()];
  const mean = OBJECTS / members.length;
  return { max: Math.max(...values), min: Math.min(...values), mean, hotSpot: Math.max(...values) / mean };
}

function change(before, after, stayed) {
  let moved = 0;
  let betweenStayers = 0;
  for (let i = 0; i < OBJECTS; i++) {
    if (before[i] === after[i]) continue;
    moved += 1;
    if (stayed.has(before[i]) && stayed.has(after[i])) betweenStayers += 1;
  }
  return { moved, movedShare: moved / OBJECTS, betweenStayers };
}

const t0 = performance.now();
const members = Array.from({ length: REPLICAS }, (_, i) => identity(i));
const base = assign(members);
const assignMs = performance.now() - t0;
const balance = spread(base, members);

const joined = [...members, identity(REPLICAS)];
const afterJoin = assign(joined);
const join = { ...change(base, afterJoin, new Set(members)), ideal: 1 / (REPLICAS + 1) };

const left = members.slice(1);
const afterLeave = assign(left);
const leave = { ...change(base, afterLeave, new Set(left)), ideal: 1 / REPLICAS };

// Balance over many member sets: the hot spot is a property of the hash, not of one lucky set of names.
let worstHotSpot = 0;
for (let trial = 1; trial <= 5; trial++) {
  const set = Array.from({ length: REPLICAS }, (_, i) => identity(i + trial * 1000));
  worstHotSpot = Math.max(worstHotSpot, spread(assign(set), set).hotSpot);
}

const pct = (x) => `${(100 * x).toFixed(2)}%`;
console.log(`${REPLICAS} replicas × ${OBJECTS} objects, assigned in ${assignMs.toFixed(0)} ms`);
console.log(
  `balance: max ${balance.max}, min ${balance.min}, mean ${balance.mean}: hot-spot ratio ${balance.hotSpot.toFixed(3)} (worst of 5 other member sets ${worstHotSpot.toFixed(3)})`,
);
console.log(
  `join (${REPLICAS} → ${REPLICAS + 1}): moved ${join.moved} = ${pct(join.movedShare)} (ideal 1/N = ${pct(join.ideal)}, ratio ${(join.movedShare / join.ideal).toFixed(3)}); between replicas that stayed: ${join.betweenStayers}`,
);
console.log(
  `leave (${REPLICAS} → ${REPLICAS - 1}): moved ${leave.moved} = ${pct(leave.movedShare)} (ideal 1/N = ${pct(leave.ideal)}, ratio ${(leave.movedShare / leave.ideal).toFixed(3)}); between replicas that stayed: ${leave.betweenStayers}`,
);
if (join.betweenStayers + leave.betweenStayers > 0) process.exitCode = 1;
console.log(
  JSON.stringify({
    replicas: REPLICAS,
    objects: OBJECTS,
    assignMs: Math.round(assignMs),
    hotSpot: Number(balance.hotSpot.toFixed(4)),
    worstHotSpot: Number(worstHotSpot.toFixed(4)),
    join: { moved: join.moved, share: Number(join.movedShare.toFixed(4)), ideal: Number(join.ideal.toFixed(4)) },
    leave: { moved: leave.moved, share: Number(leave.movedShare.toFixed(4)), ideal: Number(leave.ideal.toFixed(4)) },
    movedBetweenStayers: join.betweenStayers + leave.betweenStayers,
  }),
);
