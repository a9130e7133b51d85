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

const STEP = 10;

function toMember(lease: SimLease): MemberLease {
  return {
    holder: lease.holder,
    renewTime: lease.renewTime,
    leaseDurationMs: LEASE,
    resourceVersion: lease.rv,
    scheme: RENDEZVOUS_SCHEME,
  };
}

/** The API server (a global write order), its informers (in order, late) and the replicas' renewal loops. */
class SimWorld {
  now = 0;
  readonly log: SimEvent[] = [];
  readonly replicas: SimReplica[] = [];
  readonly lastWriter = new Map<string, { id: string; at: number }>();
  readonly keys = Array.from({ length: 60 }, (_, i) => `SealedSecret/ns/s${i}`);
  handoffs = 0;
  minGap = Number.POSITIVE_INFINITY;
  #rv = 0;
  #made = 0;

  constructor(
    readonly seed: number,
    readonly random: () => number,
  ) {
    for (let i = 0; i < 3; i++) this.add();
  }

  write(name: string, lease: SimLease | undefined): string {
    const rv = String(++this.#rv);
    this.log.push({ commitAt: this.now, name, lease: lease ? { ...lease, rv } : undefined });
    return rv;
  }

  add(): void {
    this.replicas.push(new SimReplica(`r${this.#made++}`, () => this.now, this.now));
  }

  pick(): SimReplica | undefined {
    const live = this.replicas.filter((r) => r.active && !r.leaving);
    return live.length > 1 ? live[Math.floor(this.random() * live.length)] : undefined;
  }

  /** Rarely: a SIGKILL, a new replica, a pause of seconds, a graceful leave (1–5 members). */
  chaos(): void {
    const roll = this.random();
    const live = this.replicas.filter((r) => r.active && !r.leaving).length;
    if (roll < 0.0006) {
      const victim = this.pick();
      if (victim) victim.killed = true;
    } else if (roll < 0.0012 && live < 5) this.add();
    else if (roll < 0.0018) {
      const r = this.pick();
      if (r) r.pausedUntil = this.now + 500 + this.random() * 5_000;
    } else if (roll < 0.0022) {
      const r = this.pick();
      if (!r) return;
      r.leaving = true;
      r.view.stop();
      this.write(`lease-${r.id}`, { holder: '', renewTime: `released-${this.now}`, rv: '' });
      r.killed = true;
    }
  }

  /** Informer: in order, each event after its commit plus a delay (sometimes a stall of seconds). */
  deliver(r: SimReplica, all = false): void {
    while (r.delivered < this.log.length) {
      const event = this.log[r.delivered];
      if (!event) break;
      if (!all) {
        if (r.nextDeliveryAt === 0) {
          const stall = this.random() < 0.01 ? 1_000 + this.random() * 3_000 : this.random() * 150;
          r.nextDeliveryAt = Math.max(event.commitAt + stall, r.lastDeliveryAt);
        }
        if (this.now < r.nextDeliveryAt) break;
      }
      if (event.lease) r.view.leaseSeen(event.name, toMember(event.lease));
      else r.view.leaseGone(event.name);
      r.delivered += 1;
      r.lastDeliveryAt = this.now;
      r.nextDeliveryAt = 0;
    }
  }

  /** Renewal loop: one request at a time, random latency, sometimes very slow (an answer after the fence is dropped). */
  renew(r: SimReplica): void {
    const f = r.inFlight;
    if (!f) {
      if (this.now < r.nextRenewAt) return;
      const latency = this.random() < 0.02 ? 500 + this.random() * 3_000 : 5 + this.random() * 60;
      const sentAt = this.now;
      r.inFlight = { sentAt, commitAt: sentAt + latency / 2, answerAt: sentAt + latency, committed: false };
      return;
    }
    if (!f.committed && this.now >= f.commitAt) {
      f.committed = true;
      f.rv = this.write(`lease-${r.id}`, { holder: r.id, renewTime: `${r.id}@${f.sentAt}`, rv: '' });
    }
    if (this.now < f.answerAt) return;
    if (f.answerAt - f.sentAt < FENCE) r.view.renewed(f.sentAt, f.rv);
    r.inFlight = undefined;
    r.nextRenewAt = this.now + 500;
  }

  /** At most one writer per object, and a gap at every change of writer (a graceful leaver owes none). */
  check(): void {
    for (const key of this.keys) {
      const writers = this.replicas.filter((r) => !r.killed && this.now >= r.pausedUntil && r.view.mayWrite(key));
      const names = writers.map((w) => w.id).join(', ');
      assert.ok(writers.length <= 1, `seed ${this.seed} t=${this.now}: ${key} writable by ${names}`);
      const writer = writers[0];
      if (!writer) continue;
      const last = this.lastWriter.get(key);
      const leaver = this.replicas.find((r) => r.id === last?.id)?.leaving === true;
      if (last && last.id !== writer.id && !leaver) {
        this.handoffs += 1;
        const gap = this.now - last.at;
        this.minGap = Math.min(this.minGap, gap);
        assert.ok(gap >= LEASE - FENCE - STEP, `seed ${this.seed} t=${this.now}: ${key} handed over after ${gap} ms`);
      }
      this.lastWriter.set(key, { id: writer.id, at: this.now });
    }
  }

  /** Everyone delivers everything and renews on time: every object ends with exactly one writer. */
  settle(): void {
    const survivors = this.replicas.filter((r) => !r.killed);
    for (let quiet = 0; quiet < 2 * LEASE + 2 * FENCE; quiet += STEP) {
      this.now += STEP;
      for (const r of survivors) {
        r.pausedUntil = 0;
        this.deliver(r, true);
        if (quiet % 500 === 0)
          r.view.renewed(
            this.now,
            this.write(`lease-${r.id}`, { holder: r.id, renewTime: `${r.id}@${this.now}`, rv: '' }),
          );
      }
    }
    for (const key of this.keys) {
      const writers = survivors.filter((r) => r.view.mayWrite(key));
      assert.equal(writers.length, 1, `seed ${this.seed}: ${key} has ${writers.length} writers after a quiet spell`);
    }
  }
}

function simulate(seed: number): { handoffs: number; minGap: number } {
  const world = new SimWorld(seed, rng(seed));
  for (world.now = 0; world.now < 90_000; world.now += STEP) {
    world.chaos();
    for (const r of world.replicas) {
      if (r.killed || world.now < r.pausedUntil) continue;
      world.deliver(r);
      world.renew(r);
    }
    world.check();
  }
  world.settle();
  return { handoffs: world.handoffs, minGap: world.minGap };
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
