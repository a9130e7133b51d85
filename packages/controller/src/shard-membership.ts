import { createHash } from 'node:crypto';
import type { KubeConfig, V1Lease } from '@kubernetes/client-node';
import {
  CoordinationV1Api,
  createInformer,
  createLeaderElector,
  defaultIdentity,
  isConflict,
  isNotFound,
  Resources,
  safeErrorMessage,
  type Informer,
  type LeaderElector,
} from '@gitseal/kube';
import type { Logger } from 'pino';
import type { LeaderElectionTimings } from './flags.js';
import { RENDEZVOUS_SCHEME } from './rendezvous.js';
import { ShardView, type MemberLease, type ShardSnapshot } from './shard-view.js';

/** Every member Lease carries this label (the informer selects by it). */
export const SHARD_MEMBER_LABEL = 'gitseal.dev/shard-member';
/** The member's hashing scheme: replicas of different schemes must not share objects. */
export const SHARD_SCHEME_ANNOTATION = 'gitseal.dev/shard-scheme';
export const SHARD_LEASE_PREFIX = 'gitseal-shard-';

export interface ShardMembershipOptions {
  readonly kubeConfig: KubeConfig;
  /** The controller's namespace: member Leases live there, beside the leader Lease. */
  readonly namespace: string;
  /** The leader Lease's timings, used for every member Lease too (fence = renew deadline). */
  readonly timings: LeaderElectionTimings;
  readonly logger: Logger;
  /** Default `hostname_pid_random`, as the leader Lease. */
  readonly identity?: string;
  /** The view changed (members, or whether we may write): the controller hands objects over. */
  readonly onChange: (previous: ShardSnapshot, current: ShardSnapshot) => void;
}

/** The Lease name of a member: a hash of its identity (identities hold `_`, which names may not). */
export function memberLeaseName(identity: string): string {
  return SHARD_LEASE_PREFIX + createHash('sha256').update(identity).digest('hex').slice(0, 16);
}

function toMember(lease: V1Lease): MemberLease {
  const spec = lease.spec ?? {};
  const renewTime = spec.renewTime as unknown;
  return {
    holder: spec.holderIdentity ?? '',
    renewTime: renewTime === undefined ? undefined : String(renewTime as string),
    leaseDurationMs: (spec.leaseDurationSeconds ?? 0) * 1000,
    resourceVersion: lease.metadata?.resourceVersion,
    scheme: lease.metadata?.annotations?.[SHARD_SCHEME_ANNOTATION],
  };
}

function sameSnapshot(a: ShardSnapshot, b: ShardSnapshot): boolean {
  return a.reason === b.reason && a.members.join('\n') === b.members.join('\n');
}

/**
 * This replica's shard membership: its own Lease, renewed by the leader-election loop of @gitseal/kube (same
 * timings as the leader Lease), every member Lease watched with an informer, and a {@link ShardView} that decides,
 * synchronously before each write, whether this replica may write an object now.
 */
export class ShardMembership {
  readonly identity: string;
  readonly leaseName: string;
  readonly view: ShardView;
  readonly #o: ShardMembershipOptions;
  readonly #elector: LeaderElector;
  readonly #informer: Informer<V1Lease>;
  readonly #api: CoordinationV1Api;
  #last: ShardSnapshot;
  #timer: NodeJS.Timeout | undefined;
  #collectedAt = 0;

  constructor(options: ShardMembershipOptions) {
    this.#o = options;
    this.identity = options.identity ?? defaultIdentity();
    this.leaseName = memberLeaseName(this.identity);
    const { leaseDurationSeconds, renewDeadlineMs, retryPeriodMs } = options.timings;
    this.view = new ShardView(
      this.identity,
      { leaseDurationMs: leaseDurationSeconds * 1000, fenceMs: renewDeadlineMs },
      () => performance.now(),
    );
    this.#last = this.view.snapshot();
    this.#api = options.kubeConfig.makeApiClient(CoordinationV1Api);
    this.#elector = createLeaderElector({
      kubeConfig: options.kubeConfig,
      namespace: options.namespace,
      name: this.leaseName,
      identity: this.identity,
      leaseDurationSeconds,
      renewDeadlineMs,
      retryPeriodMs,
      labels: { [SHARD_MEMBER_LABEL]: 'true' },
      annotations: { [SHARD_SCHEME_ANNOTATION]: RENDEZVOUS_SCHEME },
      logger: options.logger,
      onRenewed: (sentAt, resourceVersion) => {
        this.view.renewed(sentAt, resourceVersion);
        this.check();
      },
    });
    this.#informer = createInformer<V1Lease>({
      kubeConfig: options.kubeConfig,
      resource: Resources.Lease,
      namespace: options.namespace,
      labelSelector: SHARD_MEMBER_LABEL,
      // A watch of Leases renewed every retry period is never quiet for long: restart one that is.
      watchdogMs: Math.max(30_000, leaseDurationSeconds * 4_000),
      logger: options.logger,
    });
    const seen = (lease: V1Lease): void => {
      this.view.leaseSeen(lease.metadata?.name ?? '', toMember(lease));
      this.check();
    };
    this.#informer.onAdd(seen);
    this.#informer.onUpdate((_previous, current) => seen(current));
    this.#informer.onDelete((lease) => {
      this.view.leaseGone(lease.metadata?.name ?? '');
      this.check();
    });
  }

  start(): void {
    this.#informer.start();
    this.#elector.start();
    // Permission lapses and join waits end with the clock, not with an event: look again every so often.
    const tick = Math.min(250, this.#o.timings.retryPeriodMs);
    this.#timer = setInterval(() => {
      this.check();
      void this.#collect();
    }, tick);
    this.#timer.unref();
  }

  /** May this replica write object `key` (`Kind/namespace/name`) right now? */
  mayWrite(key: string): boolean {
    return this.view.mayWrite(key);
  }

  snapshot(): ShardSnapshot {
    return this.view.snapshot();
  }

  /** Re-reads the view and reports a change (members, or whether we write) to onChange. */
  check(): void {
    const current = this.view.snapshot();
    const previous = this.#last;
    if (sameSnapshot(previous, current)) return;
    this.#last = current;
    this.#o.onChange(previous, current);
  }

  /**
   * Stops writing at once, then hands the Lease back (empty holder: the others take our objects without waiting)
   * and deletes it. Call after the work queues have drained.
   */
  async stop(): Promise<void> {
    this.view.stop();
    this.check();
    clearInterval(this.#timer);
    await this.#elector.release();
    await this.#api
      .deleteNamespacedLease({ name: this.leaseName, namespace: this.#o.namespace })
      .catch((error: unknown) => {
        if (!isNotFound(error)) {
          this.#o.logger.warn(
            { error: safeErrorMessage(error, `delete Lease ${this.leaseName}`) },
            'lease not deleted',
          );
        }
      });
    await this.#informer.stop();
  }

  /** Deletes Leases of members gone for good (released, or dead a further lease duration), guarded by version. */
  async #collect(): Promise<void> {
    const now = performance.now();
    if (now - this.#collectedAt < this.#o.timings.leaseDurationSeconds * 1000) return;
    this.#collectedAt = now;
    for (const { name, resourceVersion } of this.view.collectable()) {
      try {
        await this.#api.deleteNamespacedLease({
          name,
          namespace: this.#o.namespace,
          body: { preconditions: { resourceVersion } },
        });
        this.#o.logger.info({ lease: name }, 'removed the Lease of a departed shard member');
      } catch (error) {
        if (!isNotFound(error) && !isConflict(error)) {
          this.#o.logger.debug({ error: safeErrorMessage(error, `delete Lease ${name}`) }, 'lease not collected');
        }
      }
    }
  }
}
