import assert from 'node:assert/strict';
import test from 'node:test';
import { RENDEZVOUS_SCHEME } from './rendezvous.js';
import { ShardView, type MemberLease } from './shard-view.js';

const LEASE = 3_000;
const FENCE = 2_000;

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function lease(holder: string, renewTime: string, resourceVersion: string, scheme = RENDEZVOUS_SCHEME): MemberLease {
  return { holder, renewTime, leaseDurationMs: LEASE, resourceVersion, scheme };
}

/** A view that renewed at `sentAt` and saw the echo: `renew(view, 'a', 1)` → resourceVersion `a-1`. */
function renew(view: ShardView, c: ReturnType<typeof clock>, n: number): void {
  const rv = `${view.self}-${n}`;
  view.renewed(c.now(), rv);
  view.leaseSeen(`lease-${view.self}`, lease(view.self, `t${n}`, rv));
}

test('a replica writes nothing before its renewal echoes, nor for one lease duration after (the join wait)', () => {
  const c = clock();
  const view = new ShardView('a', { leaseDurationMs: LEASE, fenceMs: FENCE }, c.now);
  assert.deepEqual(view.snapshot(), { members: [], writing: false, reason: 'stale' });
  view.renewed(0, 'a-0');
  assert.equal(view.fresh(), false, 'an answer alone proves nothing about the view');
  view.leaseSeen('lease-a', lease('a', 't0', 'a-0'));
  assert.equal(view.fresh(), true);
  assert.equal(view.snapshot().reason, 'joining');
  assert.equal(view.mayWrite('SealedSecret/ns/x'), false);
  for (let n = 1; n <= 6; n++) {
    c.advance(500);
    renew(view, c, n);
  }
  assert.equal(c.now(), LEASE);
  assert.deepEqual(view.snapshot(), { members: ['a'], writing: true, reason: 'writing' });
  assert.equal(view.mayWrite('SealedSecret/ns/x'), true, 'alone: owns everything');
});

test('the echo may come before the renewal’s answer', () => {
  const c = clock();
  const view = new ShardView('a', { leaseDurationMs: LEASE, fenceMs: FENCE }, c.now);
  view.leaseSeen('lease-a', lease('a', 't0', 'a-0'));
  assert.equal(view.fresh(), false);
  view.renewed(0, 'a-0');
  assert.equal(view.fresh(), true);
});

test('no echo within the fence: writing stops at once; the next echo starts a new join wait', () => {
  const c = clock();
  const view = new ShardView('a', { leaseDurationMs: LEASE, fenceMs: FENCE }, c.now);
  for (let n = 0; n <= 8; n++) {
    renew(view, c, n);
    c.advance(500);
  }
  assert.equal(view.snapshot().writing, true);
  // Renewals still succeed, but the watch stalls: the view can no longer be trusted.
  const lastEcho = view.viewAt;
  view.renewed(c.now(), 'a-stalled');
  c.advance(lastEcho + FENCE - c.now() - 1);
  assert.equal(view.snapshot().writing, true, 'one ms before the fence');
  c.advance(1);
  assert.deepEqual(view.snapshot().reason, 'stale');
  assert.equal(view.mayWrite('x'), false);
  c.advance(700);
  renew(view, c, 20);
  const back = c.now();
  assert.equal(view.snapshot().reason, 'joining', 'back, but must be seen by everyone first');
  for (let n = 21; c.now() + 500 < back + LEASE; n++) {
    c.advance(500);
    renew(view, c, n);
    assert.equal(view.snapshot().reason, 'joining');
  }
  c.advance(back + LEASE - c.now());
  renew(view, c, 40);
  assert.equal(view.snapshot().writing, true);
});

test('another member is live until our confirmed view is a lease duration past its last renewal', () => {
  const c = clock();
  const view = new ShardView('a', { leaseDurationMs: LEASE, fenceMs: FENCE }, c.now);
  view.leaseSeen('lease-b', lease('b', 'b0', 'b-0'));
  const seenB = c.now();
  for (let n = 0; n <= 4; n++) {
    renew(view, c, n);
    c.advance(500);
  }
  assert.deepEqual(view.members(), ['a', 'b']);
  // b never renews again. Our view keeps being confirmed every 500 ms.
  while (view.viewAt - seenB < LEASE) {
    assert.deepEqual(view.members(), ['a', 'b'], `at ${c.now()}`);
    renew(view, c, c.now());
    c.advance(500);
  }
  renew(view, c, c.now());
  assert.deepEqual(view.members(), ['a']);
  assert.equal(view.mayWrite('any/key/at-all'), true, 'its objects are ours now');
});

test('an unconfirmed view never declares anyone dead: the clock alone does not move ownership', () => {
  const c = clock();
  const view = new ShardView('a', { leaseDurationMs: LEASE, fenceMs: FENCE }, c.now);
  view.leaseSeen('lease-b', lease('b', 'b0', 'b-0'));
  renew(view, c, 0);
  c.advance(60_000);
  assert.deepEqual(view.members(), ['a', 'b']);
  assert.equal(view.snapshot().writing, false);
});

test('a released Lease leaves at once; a deleted live one runs out first; a foreign scheme stops all writes', () => {
  const c = clock();
  const view = new ShardView('a', { leaseDurationMs: LEASE, fenceMs: FENCE }, c.now);
  view.leaseSeen('lease-b', lease('b', 'b0', 'b-0'));
  view.leaseSeen('lease-c', lease('c', 'c0', 'c-0'));
  renew(view, c, 0);
  assert.deepEqual(view.members(), ['a', 'b', 'c']);
  view.leaseSeen('lease-b', lease('', 'b1', 'b-1'));
  assert.deepEqual(view.members(), ['a', 'c'], 'released');
  assert.deepEqual(
    view.collectable().map((l) => l.name),
    ['lease-b'],
  );
  view.leaseGone('lease-b');
  view.leaseGone('lease-c');
  assert.deepEqual(view.members(), ['a', 'c'], 'deleted while live: still counted');
  c.advance(LEASE);
  renew(view, c, 1);
  assert.deepEqual(view.members(), ['a']);

  view.leaseSeen('lease-d', lease('d', 'd0', 'd-0', 'another-hash'));
  c.advance(500);
  renew(view, c, 2);
  assert.equal(view.snapshot().reason, 'scheme-mismatch');
});

test('stop(): nothing more is written, whatever comes after', () => {
  const c = clock();
  const view = new ShardView('a', { leaseDurationMs: LEASE, fenceMs: FENCE }, c.now);
  for (let n = 0; n <= 7; n++) {
    renew(view, c, n);
    c.advance(500);
  }
  assert.equal(view.snapshot().writing, true);
  view.stop();
  renew(view, c, 99);
  assert.equal(view.snapshot().reason, 'stopped');
  assert.equal(view.mayWrite('k'), false);
});

// ---- A randomised world: an API server with a global write order, informers that deliver in order but late
// (sometimes seconds late), renewals with random latency, pauses, SIGKILLs, joins and graceful leaves. At every
// step no object may be writable by two replicas, and a handoff always leaves a gap of at least lease − fence.

interface SimLease {
  holder: string;
  renewTime: string;
  rv: string;
}

interface SimEvent {
  readonly commitAt: number;
  readonly name: string;
  readonly lease: SimLease | undefined;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    s ^= s + Math.imul(s ^ (s >>> 7), 61);
    return ((s ^ (s >>> 14)) >>> 0) / 2 ** 32;
  };
}

class SimReplica {
  readonly view: ShardView;
  delivered = 0;
  nextDeliveryAt = 0;
  lastDeliveryAt = 0;
  nextRenewAt: number;
  inFlight: { sentAt: number; commitAt: number; answerAt: number; committed: boolean; rv?: string } | undefined;
  pausedUntil = 0;
  killed = false;
  leaving = false;
  renewal = 0;

  constructor(
    readonly id: string,
    now: () => number,
    startAt: number,
  ) {
    this.view = new ShardView(id, { leaseDurationMs: LEASE, fenceMs: FENCE }, now);
    this.nextRenewAt = startAt;
  }

  get active(): boolean {
    return !this.killed;
  }
}

function simulate(seed: number): { handoffs: number; minGap: number; checks: number } {
  const random = rng(seed);
  let now = 0;
  const clockNow = () => now;
  const log: SimEvent[] = [];
  const leases = new Map<string, SimLease>();
  let rvCounter = 0;
  const write = (name: string, lease: SimLease | undefined): string => {
    const rv = String(++rvCounter);
    if (lease) leases.set(name, { ...lease, rv });
    else leases.delete(name);
    log.push({ commitAt: now, name, lease: lease ? { ...lease, rv } : undefined });
    return rv;
  };
  const replicas: SimReplica[] = [];
  let made = 0;
  const add = () => replicas.push(new SimReplica(`r${made++}`, clockNow, now));
  for (let i = 0; i < 3; i++) add();
  const keys = Array.from({ length: 60 }, (_, i) => `SealedSecret/ns/s${i}`);
  const lastWriter = new Map<string, { id: string; at: number }>();
  let handoffs = 0;
  let minGap = Number.POSITIVE_INFINITY;
  let checks = 0;
  const STEP = 10;
  for (now = 0; now < 90_000; now += STEP) {
    // Chaos, rarely: kill, pause, join, leave (keep 1–5 members).
    const live = replicas.filter((r) => r.active && !r.leaving);
    const roll = random();
    if (roll < 0.0006 && live.length > 1) {
      const victim = live[Math.floor(random() * live.length)];
      if (victim) victim.killed = true;
    } else if (roll < 0.0012 && live.length < 5) add();
    else if (roll < 0.0018 && live.length > 1) {
      const r = live[Math.floor(random() * live.length)];
      if (r) r.pausedUntil = now + 500 + random() * 5_000;
    } else if (roll < 0.0022 && live.length > 1) {
      const r = live[Math.floor(random() * live.length)];
      if (r) {
        r.leaving = true;
        r.view.stop();
        write(`lease-${r.id}`, { holder: '', renewTime: `released-${now}`, rv: '' });
        r.killed = true;
      }
    }
    for (const r of replicas) {
      if (r.killed || now < r.pausedUntil) continue;
      // Informer: in order, each event after its commit plus a delay (sometimes a long stall).
      while (r.delivered < log.length) {
        const event = log[r.delivered];
        if (!event) break;
        if (r.nextDeliveryAt === 0) {
          const stall = random() < 0.01 ? 1_000 + random() * 3_000 : random() * 150;
          r.nextDeliveryAt = Math.max(event.commitAt + stall, r.lastDeliveryAt);
        }
        if (now < r.nextDeliveryAt) break;
        if (event.lease)
          r.view.leaseSeen(event.name, {
            holder: event.lease.holder,
            renewTime: event.lease.renewTime,
            leaseDurationMs: LEASE,
            resourceVersion: event.lease.rv,
            scheme: RENDEZVOUS_SCHEME,
          });
        else r.view.leaseGone(event.name);
        r.delivered += 1;
        r.lastDeliveryAt = now;
        r.nextDeliveryAt = 0;
      }
      // Renewal loop: one request at a time, random latency, sometimes very slow (dropped after the fence).
      if (r.inFlight) {
        const f = r.inFlight;
        if (!f.committed && now >= f.commitAt) {
          f.committed = true;
          f.rv = write(`lease-${r.id}`, { holder: r.id, renewTime: `${r.id}@${f.sentAt}`, rv: '' });
        }
        if (now >= f.answerAt) {
          if (f.answerAt - f.sentAt < FENCE) r.view.renewed(f.sentAt, f.rv);
          r.inFlight = undefined;
          r.nextRenewAt = now + 500;
        }
      } else if (now >= r.nextRenewAt) {
        const latency = random() < 0.02 ? 500 + random() * 3_000 : 5 + random() * 60;
        r.inFlight = { sentAt: now, commitAt: now + latency / 2, answerAt: now + latency, committed: false };
      }
    }
    // Safety, at every step: at most one writer per object, and a gap at every change of writer.
    for (const key of keys) {
      const writers = replicas.filter((r) => !r.killed && now >= r.pausedUntil && r.view.mayWrite(key));
      checks += 1;
      assert.ok(
        writers.length <= 1,
        `seed ${seed} t=${now}: ${key} writable by ${writers.map((w) => w.id).join(', ')}`,
      );
      const writer = writers[0];
      if (!writer) continue;
      const last = lastWriter.get(key);
      // A graceful leaver stopped writing before it released its Lease: no gap is owed after it.
      const leaver = replicas.find((r) => r.id === last?.id)?.leaving === true;
      if (last && last.id !== writer.id && !leaver) {
        handoffs += 1;
        const gap = now - last.at;
        minGap = Math.min(minGap, gap);
        assert.ok(gap >= LEASE - FENCE - STEP, `seed ${seed} t=${now}: ${key} handed over after ${gap} ms only`);
      }
      lastWriter.set(key, { id: writer.id, at: now });
    }
  }
  // Liveness: after a quiet spell every object has exactly one writer among the survivors.
  const survivors = replicas.filter((r) => !r.killed);
  for (let quiet = 0; quiet < 2 * LEASE + 2 * FENCE; quiet += STEP) {
    now += STEP;
    for (const r of survivors) {
      r.pausedUntil = 0;
      while (r.delivered < log.length) {
        const event = log[r.delivered++];
        if (event?.lease)
          r.view.leaseSeen(event.name, {
            holder: event.lease.holder,
            renewTime: event.lease.renewTime,
            leaseDurationMs: LEASE,
            resourceVersion: event.lease.rv,
            scheme: RENDEZVOUS_SCHEME,
          });
        else if (event) r.view.leaseGone(event.name);
      }
      if (quiet % 500 === 0) {
        const rv = write(`lease-${r.id}`, { holder: r.id, renewTime: `${r.id}@${now}`, rv: '' });
        r.view.renewed(now, rv);
      }
    }
  }
  for (const key of keys) {
    const writers = survivors.filter((r) => r.view.mayWrite(key));
    assert.equal(writers.length, 1, `seed ${seed}: ${key} has ${writers.length} writers after a quiet spell`);
  }
  return { handoffs, minGap, checks };
}

test('randomised: never two writers, a gap of at least lease − fence at each handoff, everything owned at the end', () => {
  let handoffs = 0;
  let minGap = Number.POSITIVE_INFINITY;
  for (let seed = 1; seed <= 12; seed++) {
    const result = simulate(seed);
    handoffs += result.handoffs;
    minGap = Math.min(minGap, result.minGap);
  }
  assert.ok(handoffs > 100, `the chaos moved objects (${handoffs} handoffs)`);
  assert.ok(minGap >= LEASE - FENCE - 10, `smallest gap ${minGap} ms`);
});
