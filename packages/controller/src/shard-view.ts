import { Rendezvous, RENDEZVOUS_SCHEME } from './rendezvous.js';

/**
 * One replica's view of the shard members and whether it may write, as a pure state machine over a clock
 * (the monotonic one in production, a fake one in tests). Fed by the membership Lease loop (our renewals) and the
 * Lease informer (every member's Lease, ours included). See docs/sharding.md, "Why exactly one writer".
 *
 * - Our view is *confirmed* at `viewAt` = the send time of our latest renewal whose write came back through the
 *   informer: watch events arrive in resourceVersion order, so the view holds every Lease written before then.
 * - Fresh: `now < viewAt + fence` (fence = the renew deadline). Not fresh: no writes, at once.
 * - Writing: fresh without a break for at least the lease duration (the join wait). A replica that starts, or
 *   comes back after losing freshness, writes nothing for one lease duration: by then every fresh replica sees it.
 * - Another member is live until `viewAt - observedAt >= its lease duration`, where observedAt is when we first
 *   saw its current renewTime. A released Lease (empty holder) leaves at once; a deleted live one runs out.
 * - An object is ours to write when we are writing and rendezvous hashing over the live members picks us.
 */
export interface ShardTimings {
  readonly leaseDurationMs: number;
  /** The renew deadline: our view older than this and we stop writing. */
  readonly fenceMs: number;
}

/** A member Lease as the informer holds it. */
export interface MemberLease {
  /** spec.holderIdentity; empty when the member released it (stopped writing and left). */
  readonly holder: string;
  /** spec.renewTime as written (compared for change only: never against our clock). */
  readonly renewTime: string | undefined;
  readonly leaseDurationMs: number;
  readonly resourceVersion: string | undefined;
  /** The member's hashing scheme (annotation); replicas of different schemes must not share objects. */
  readonly scheme: string | undefined;
}

interface Tracked {
  holder: string;
  renewTime: string | undefined;
  observedAt: number;
  leaseDurationMs: number;
  resourceVersion: string | undefined;
  scheme: string | undefined;
  deleted: boolean;
}

/** What the view says right now. */
export interface ShardSnapshot {
  /** Live members, sorted (ourselves included while our Lease exists). */
  readonly members: readonly string[];
  /** We may write the objects hashing to us. */
  readonly writing: boolean;
  /** Why not, when not writing: `joining` (waiting out the join wait), `stale` (view older than the fence), `stopped`. */
  readonly reason: 'writing' | 'joining' | 'stale' | 'stopped' | 'scheme-mismatch';
}

const MAX_PENDING = 32;

export class ShardView {
  readonly self: string;
  readonly #t: ShardTimings;
  readonly #now: () => number;
  readonly #leases = new Map<string, Tracked>();
  /** Our renewals not yet echoed: resourceVersion → send time. */
  readonly #pending = new Map<string, number>();
  #withSelf: Rendezvous | undefined;
  #withSelfKey = '';
  /** Our own Lease's resourceVersions the informer delivered before the renewal's answer came. */
  readonly #echoed = new Set<string>();
  #viewAt = Number.NEGATIVE_INFINITY;
  #streakStart = Number.POSITIVE_INFINITY;
  #stopped = false;
  #ring: Rendezvous | undefined;
  #ringKey = '';

  constructor(self: string, timings: ShardTimings, now: () => number) {
    if (!(timings.fenceMs < timings.leaseDurationMs)) throw new RangeError('ShardView: fence must be below lease');
    this.self = self;
    this.#t = timings;
    this.#now = now;
  }

  /** Our renewal sent at `sentAt` was written as `resourceVersion`. */
  renewed(sentAt: number, resourceVersion: string | undefined): void {
    if (this.#stopped || resourceVersion === undefined) return;
    if (this.#echoed.delete(resourceVersion)) return this.#confirm(sentAt);
    this.#pending.set(resourceVersion, sentAt);
    if (this.#pending.size > MAX_PENDING) this.#pending.delete(this.#pending.keys().next().value ?? '');
  }

  /** The informer added or updated a member Lease. */
  leaseSeen(name: string, lease: MemberLease): void {
    const now = this.#now();
    const known = this.#leases.get(name);
    if (known === undefined || known.renewTime !== lease.renewTime || known.holder !== lease.holder) {
      this.#leases.set(name, {
        holder: lease.holder,
        renewTime: lease.renewTime,
        observedAt: now,
        leaseDurationMs: lease.leaseDurationMs,
        resourceVersion: lease.resourceVersion,
        scheme: lease.scheme,
        deleted: false,
      });
    } else {
      Object.assign(known, { resourceVersion: lease.resourceVersion, leaseDurationMs: lease.leaseDurationMs });
      known.deleted = false;
    }
    if (lease.holder === this.self && lease.resourceVersion !== undefined) this.#echo(lease.resourceVersion);
  }

  /** The informer saw a member Lease deleted: released ones leave now, live ones run out like a silent member. */
  leaseGone(name: string): void {
    const known = this.#leases.get(name);
    if (!known) return;
    if (known.holder === '' || known.holder === this.self) this.#leases.delete(name);
    else known.deleted = true;
  }

  /** We stop for good (graceful shutdown): nothing is written from now on. */
  stop(): void {
    this.#stopped = true;
  }

  /** Send time of the latest renewal whose echo we saw (the view holds every Lease written before it). */
  get viewAt(): number {
    return this.#viewAt;
  }

  fresh(): boolean {
    return !this.#stopped && this.#now() < this.#viewAt + this.#t.fenceMs;
  }

  /** When the current write permission (if any) ends without another echo: for a timer. */
  freshUntil(): number {
    return this.#viewAt + this.#t.fenceMs;
  }

  /** When the join wait ends (Infinity when not fresh). */
  writingFrom(): number {
    return this.#streakStart + this.#t.leaseDurationMs;
  }

  members(): readonly string[] {
    return this.#rendezvous().members;
  }

  snapshot(): ShardSnapshot {
    const members = this.members();
    if (this.#stopped) return { members, writing: false, reason: 'stopped' };
    if (!this.fresh()) return { members, writing: false, reason: 'stale' };
    if (this.#schemeMismatch()) return { members, writing: false, reason: 'scheme-mismatch' };
    if (this.#now() < this.writingFrom()) return { members, writing: false, reason: 'joining' };
    return { members, writing: true, reason: 'writing' };
  }

  /** Synchronous check right before each write of object `key` (e.g. `SealedSecret/ns/name`). */
  mayWrite(key: string): boolean {
    return this.snapshot().writing && this.ownerOf(key) === this.self;
  }

  /** The member that owns `key` in this view (whether or not it may write yet). */
  ownerOf(key: string): string | undefined {
    return this.#rendezvous().ownerOf(key);
  }

  /**
   * The owner of `key` once this replica counts as a member (a joiner before its own Lease came back through the
   * watch): what it is waiting to take over. For reporting only; writes go by {@link ownerOf}.
   */
  ownerWithSelf(key: string): string | undefined {
    const members = this.members();
    if (members.includes(this.self)) return this.ownerOf(key);
    const key2 = [...members, this.self].sort().join('\n');
    if (!this.#withSelf || this.#withSelfKey !== key2) {
      this.#withSelf = new Rendezvous([...members, this.self]);
      this.#withSelfKey = key2;
    }
    return this.#withSelf.ownerOf(key);
  }

  /** Leases dead for a further lease duration (or released): any replica may delete them (resourceVersion-guarded). */
  collectable(): { name: string; resourceVersion: string }[] {
    const out: { name: string; resourceVersion: string }[] = [];
    for (const [name, l] of this.#leases) {
      if (l.deleted || l.resourceVersion === undefined || l.holder === this.self) continue;
      const longDead = this.#viewAt - l.observedAt >= 2 * l.leaseDurationMs;
      if ((l.holder === '' && this.#viewAt - l.observedAt >= 0) || longDead)
        out.push({ name, resourceVersion: l.resourceVersion });
    }
    return out;
  }

  #echo(resourceVersion: string): void {
    const sentAt = this.#pending.get(resourceVersion);
    if (sentAt === undefined) {
      this.#echoed.add(resourceVersion);
      if (this.#echoed.size > MAX_PENDING) this.#echoed.delete(this.#echoed.values().next().value ?? '');
      return;
    }
    this.#confirm(sentAt);
  }

  #confirm(sentAt: number): void {
    for (const [rv, at] of this.#pending) if (at <= sentAt) this.#pending.delete(rv);
    if (sentAt <= this.#viewAt) return;
    // A break in freshness (or the first echo) starts a new streak: the join wait counts from now.
    if (!this.fresh()) this.#streakStart = this.#now();
    this.#viewAt = sentAt;
  }

  #alive(l: Tracked): boolean {
    if (l.holder === '') return false;
    if (l.holder === this.self) return !this.#stopped && !l.deleted;
    return this.#viewAt - l.observedAt < l.leaseDurationMs;
  }

  #schemeMismatch(): boolean {
    for (const l of this.#leases.values()) {
      if (this.#alive(l) && l.scheme !== undefined && l.scheme !== RENDEZVOUS_SCHEME) return true;
    }
    return false;
  }

  #rendezvous(): Rendezvous {
    const members = new Set<string>();
    for (const [name, l] of this.#leases) {
      if (this.#alive(l)) members.add(l.holder);
      else if (l.deleted) this.#leases.delete(name);
    }
    const key = [...members].sort().join('\n');
    if (!this.#ring || key !== this.#ringKey) {
      this.#ring = new Rendezvous(members);
      this.#ringKey = key;
    }
    return this.#ring;
  }
}
