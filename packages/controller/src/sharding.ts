import type { Logger } from 'pino';
import type { ControllerMetrics } from './metrics.js';
import { handover } from './shard-handover.js';
import { ShardMembership, type ShardMembershipOptions } from './shard-membership.js';
import type { ShardSnapshot } from './shard-view.js';

/** One kind of object the replicas share (SealedSecret, GitSync): its cached keys and its work queue. */
export interface ShardedKind {
  /** The first part of the object key hashed: `Kind/namespace/name`. */
  readonly kind: string;
  /** Every `namespace/name` in the informer cache. */
  keys(): string[];
  /** The cache holds a full list (before that, keys() is not every object). */
  synced(): boolean;
  /** Reconcile it soon (gained objects; lost ones too, so the reconciler lets go of them). */
  enqueue(key: string): void;
  /** This replica no longer owns it: drop what it remembers about it (sync state, drift watch). */
  release?(key: string): void;
}

export type ShardingOptions = Omit<ShardMembershipOptions, 'onChange'> & { readonly metrics: ControllerMetrics };

/** What `/debug/shards` answers: this replica's view, and the objects it owns or is about to own. */
export interface ShardsDebug {
  readonly identity: string;
  /** Date.now() on this replica: samplers of several replicas compare these. */
  readonly at: number;
  readonly reason: ShardSnapshot['reason'];
  readonly writing: boolean;
  /** Every cache is listed: `owned` and `pending` name every object hashed here. */
  readonly synced: boolean;
  readonly members: readonly string[];
  /** `namespace/name` per kind: this replica may write them now. */
  readonly owned: Record<string, string[]>;
  /** Hashed to this replica, which may not write yet (joining) or any more (stale). */
  readonly pending: Record<string, string[]>;
}

/**
 * --shards auto: the live replicas divide SealedSecrets and GitSyncs by rendezvous hashing over their member
 * Leases. Writes ask {@link Sharding.mayWrite} for the object they belong to; when the view changes, each replica
 * enqueues what it gained (and what it lost, so the reconcilers let go) and logs what moved.
 */
export class Sharding {
  readonly membership: ShardMembership;
  readonly #kinds: ShardedKind[] = [];
  readonly #logger: Logger;

  constructor(options: ShardingOptions) {
    this.#logger = options.logger;
    this.membership = new ShardMembership({ ...options, onChange: (before, after) => this.#moved(before, after) });
    options.metrics.observeShards(() => ({
      members: this.membership.snapshot().members.length,
      owned: this.#kinds.reduce<Record<string, number>>((counts, k) => {
        counts[k.kind] = (counts[k.kind] ?? 0) + this.#split(k).owned.length;
        return counts;
      }, {}),
    }));
  }

  register(kind: ShardedKind): void {
    this.#kinds.push(kind);
  }

  get identity(): string {
    return this.membership.identity;
  }

  /** May this replica write object `key` (`Kind/namespace/name`) now? Outside any object: never. */
  mayWrite(key: string | undefined): boolean {
    return key !== undefined && this.membership.mayWrite(key);
  }

  start(): void {
    this.membership.start();
  }

  /** Stops writing, hands the Lease back and deletes it (after the work queues drained). */
  stop(): Promise<void> {
    return this.membership.stop();
  }

  debug(): ShardsDebug {
    const snapshot = this.membership.snapshot();
    const owned: Record<string, string[]> = {};
    const pending: Record<string, string[]> = {};
    for (const kind of this.#kinds) {
      const split = this.#split(kind);
      owned[kind.kind] = [...(owned[kind.kind] ?? []), ...split.owned];
      pending[kind.kind] = [...(pending[kind.kind] ?? []), ...split.pending];
    }
    return {
      identity: this.identity,
      at: Date.now(),
      reason: snapshot.reason,
      writing: snapshot.writing,
      synced: this.#kinds.every((k) => k.synced()),
      members: snapshot.members,
      owned,
      pending,
    };
  }

  #split(kind: ShardedKind): { owned: string[]; pending: string[] } {
    const view = this.membership.view;
    const writing = view.snapshot().writing;
    const owned: string[] = [];
    const pending: string[] = [];
    for (const key of kind.keys()) {
      const id = `${kind.kind}/${key}`;
      if (writing && view.ownerOf(id) === this.identity) owned.push(key);
      else if (!writing && view.ownerWithSelf(id) === this.identity) pending.push(key);
    }
    return { owned, pending };
  }

  #moved(before: ShardSnapshot, after: ShardSnapshot): void {
    const gained: Record<string, number> = {};
    const lost: Record<string, number> = {};
    for (const kind of this.#kinds) {
      const prefix = `${kind.kind}/`;
      const keys = kind.keys().map((k) => prefix + k);
      const moved = handover(keys, before, after, this.identity);
      gained[kind.kind] = moved.gained.length;
      lost[kind.kind] = moved.lost.length;
      for (const key of moved.lost) {
        kind.release?.(key.slice(prefix.length));
        kind.enqueue(key.slice(prefix.length));
      }
      for (const key of moved.gained) kind.enqueue(key.slice(prefix.length));
    }
    this.#logger.info(
      {
        members: after.members.length,
        membersBefore: before.members.length,
        joined: after.members.filter((m) => !before.members.includes(m)),
        left: before.members.filter((m) => !after.members.includes(m)),
        state: after.reason,
        gained,
        lost,
      },
      'shard membership changed',
    );
  }
}
