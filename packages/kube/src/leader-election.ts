import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeConfig, V1Lease, V1LeaseSpec } from '@kubernetes/client-node';
import { CoordinationV1Api, V1MicroTime } from './client-node.js';
import type { Logger } from 'pino';
import { isAlreadyExists, isConflict, isNotFound, safeErrorMessage } from './api-error.js';
import { KubeError, KubeErrorCode } from './kube-error.js';

export interface LeaderElectionOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  /** Name of the Lease object. */
  readonly name: string;
  /** Default {@link defaultIdentity}. */
  readonly identity?: string;
  /** How long a lease stays valid without renewal; default 15 s. */
  readonly leaseDurationSeconds?: number;
  /** A leader that has not renewed for this long stops leading; default 10 s. Must be below the lease duration. */
  readonly renewDeadlineMs?: number;
  /** Pause between acquire and renew attempts; default 2 s. */
  readonly retryPeriodMs?: number;
  /** Deadline of each API call; default the renew deadline. */
  readonly requestTimeoutMs?: number;
  readonly onStartedLeading?: () => void | Promise<void>;
  readonly onStoppedLeading?: () => void | Promise<void>;
  /** Called when the observed holder changes (empty string: nobody). */
  readonly onNewLeader?: (identity: string) => void;
  /**
   * Called after each successful acquire or renewal with the time the request was sent (performance.now()) and the
   * resourceVersion it wrote: a watcher of the Lease can tell when its own write came back (shard membership).
   */
  readonly onRenewed?: (sentAt: number, resourceVersion: string | undefined) => void;
  /** Labels and annotations the Lease is created with and kept (e.g. a label selecting all member Leases). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly logger?: Logger;
}

/** `hostname_pid_random`: unique per process, readable in `kubectl get lease -o yaml`. */
export function defaultIdentity(): string {
  return `${hostname()}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

function timeOf(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * True when anyone may take the lease: it has no holder, no renew time or duration, or
 * `renewTime + leaseDurationSeconds < now`.
 */
export function isLeaseExpired(spec: V1LeaseSpec | undefined, nowMs: number): boolean {
  if (spec?.holderIdentity === undefined || spec.holderIdentity === '') return true;
  const renewed = timeOf(spec.renewTime);
  if (renewed === undefined || spec.leaseDurationSeconds === undefined) return true;
  return renewed + spec.leaseDurationSeconds * 1000 < nowMs;
}

type AttemptResult = 'held' | 'other' | 'failed';

/** The Lease's metadata with the elector's labels and annotations added (kept when someone removed them). */
function withMetadata(
  metadata: V1Lease['metadata'],
  { labels, annotations }: Pick<LeaderElectionOptions, 'labels' | 'annotations'>,
): V1Lease['metadata'] {
  if (!labels && !annotations) return metadata;
  return {
    ...metadata,
    ...(labels ? { labels: { ...metadata?.labels, ...labels } } : {}),
    ...(annotations ? { annotations: { ...metadata?.annotations, ...annotations } } : {}),
  };
}

/**
 * Lease-based leader election (coordination.k8s.io/v1) with optimistic concurrency on resourceVersion.
 * Writers call {@link LeaderElector.isLeader} right before each write; it turns false the moment the renew deadline
 * passes without a successful renewal, even if the API call is still hanging.
 */
export class LeaderElector {
  readonly identity: string;
  readonly #options: LeaderElectionOptions;
  readonly #api: CoordinationV1Api;
  readonly #logger: Logger | undefined;
  readonly #leaseDurationSeconds: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  readonly #requestTimeoutMs: number;
  #leading = false;
  #lastRenewAt = 0;
  #deadlineTimer: NodeJS.Timeout | undefined;
  #observedHolder: string | undefined;
  #writtenVersion: string | undefined;
  #started = false;
  #stopped = false;
  #running: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(options: LeaderElectionOptions) {
    this.#options = options;
    this.identity = options.identity ?? defaultIdentity();
    this.#api = options.kubeConfig.makeApiClient(CoordinationV1Api);
    this.#leaseDurationSeconds = options.leaseDurationSeconds ?? 15;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.#retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? this.#renewDeadlineMs;
    if (this.#renewDeadlineMs >= this.#leaseDurationSeconds * 1000) {
      throw new RangeError('LeaderElector: renewDeadlineMs must be below leaseDurationSeconds');
    }
    if (this.#retryPeriodMs >= this.#renewDeadlineMs) {
      throw new RangeError('LeaderElector: retryPeriodMs must be below renewDeadlineMs');
    }
    this.#logger = options.logger?.child({ lease: `${options.namespace}/${options.name}`, identity: this.identity });
  }

  /**
   * Synchronous check for writers, to call right before every write: leading, and the last successful renewal was
   * *sent* less than the renew deadline ago on the monotonic clock (a paused process, or a wall clock set back,
   * cannot stretch it). A lease renewed at t is ours until t + lease duration; the renew deadline is shorter.
   */
  isLeader(): boolean {
    return this.#leading && performance.now() - this.#lastRenewAt < this.#renewDeadlineMs;
  }

  /** The holder last seen on the lease (may be stale). */
  get observedLeader(): string | undefined {
    return this.#observedHolder;
  }

  /** Starts campaigning in the background. Idempotent; cannot restart after release(). */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.#running = this.#run();
  }

  /**
   * Stops campaigning; when leading, stops leading (callback first, so writers stop) and hands the lease back
   * (empty holder) so another replica takes over at once.
   */
  async release(): Promise<void> {
    if (this.#stopped) return this.#running;
    this.#stopped = true;
    this.#wake?.();
    await this.#running;
    this.#stopLeading('released');
    if (!this.#started) return;
    try {
      // Also when not (yet) leading: a last attempt may have written this identity just before the stop.
      const lease = await this.#call(
        this.#api.readNamespacedLease({ name: this.#options.name, namespace: this.#options.namespace }),
      );
      if (lease.spec?.holderIdentity !== this.identity) return;
      const now = new V1MicroTime(Date.now());
      lease.spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now };
      await this.#call(
        this.#api.replaceNamespacedLease({ name: this.#options.name, namespace: this.#options.namespace, body: lease }),
      );
      this.#logger?.info({ event: 'released' }, 'lease released');
    } catch (err) {
      this.#logger?.warn({ error: safeErrorMessage(err, this.#what()) }, 'lease release failed');
    }
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      // The lease's renewTime is written when the request is sent: validity counts from here, not from the answer.
      const sentAt = performance.now();
      const result = await this.#tryAcquireOrRenew().catch((err: unknown) => {
        this.#logger?.debug({ error: safeErrorMessage(err, this.#what()) }, 'lease attempt failed');
        return 'failed' as const;
      });
      if (this.#stopped) break;
      this.#afterAttempt(result, sentAt);
      await this.#sleep(this.#retryPeriodMs);
    }
  }

  #afterAttempt(result: AttemptResult, sentAt: number): void {
    if (result === 'held') {
      this.#options.onRenewed?.(sentAt, this.#writtenVersion);
      this.#lastRenewAt = sentAt;
      this.#armDeadline(sentAt);
      if (!this.#leading) {
        this.#leading = true;
        this.#logger?.info({ event: 'started-leading' }, 'leading');
        this.#invoke('onStartedLeading', this.#options.onStartedLeading);
      }
    } else if (result === 'other') {
      this.#stopLeading('lease-taken');
    } else if (this.#leading && performance.now() - this.#lastRenewAt >= this.#renewDeadlineMs) {
      this.#stopLeading('renew-deadline');
    }
  }

  #armDeadline(sentAt: number): void {
    clearTimeout(this.#deadlineTimer);
    const left = Math.max(0, this.#renewDeadlineMs - (performance.now() - sentAt));
    this.#deadlineTimer = setTimeout(() => this.#stopLeading('renew-deadline'), left);
  }

  #stopLeading(cause: string): void {
    clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = undefined;
    if (!this.#leading) return;
    this.#leading = false;
    this.#logger?.warn({ event: 'stopped-leading', cause }, 'stopped leading');
    this.#invoke('onStoppedLeading', this.#options.onStoppedLeading);
  }

  #invoke(name: string, callback: (() => void | Promise<void>) | undefined): void {
    const report = (err: unknown): void => {
      this.#logger?.error({ callback: name, error: safeErrorMessage(err) }, 'callback failed');
    };
    try {
      const result = callback?.();
      if (result instanceof Promise) result.catch(report);
    } catch (err) {
      report(err);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  #what(): string {
    return `Lease ${this.#options.namespace}/${this.#options.name}`;
  }

  /** Races an API call against the request deadline. */
  #call<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new KubeError(KubeErrorCode.Timeout, `${this.#what()}: timed out after ${this.#requestTimeoutMs} ms`)),
        this.#requestTimeoutMs,
      );
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  #observe(holder: string): void {
    if (holder === this.#observedHolder) return;
    this.#observedHolder = holder;
    this.#options.onNewLeader?.(holder);
  }

  async #tryAcquireOrRenew(): Promise<AttemptResult> {
    // A conflict means someone wrote in between: re-read once at once rather than wait a retry period.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const result = await this.#attempt();
      if (result !== 'conflict') return result;
    }
    return 'failed';
  }

  async #attempt(): Promise<AttemptResult | 'conflict'> {
    const { name, namespace } = this.#options;
    let lease: V1Lease;
    try {
      lease = await this.#call(this.#api.readNamespacedLease({ name, namespace }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return this.#create();
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    this.#observe(holder);
    if (holder !== this.identity && !isLeaseExpired(spec, Date.now())) return 'other';
    const now = new V1MicroTime(Date.now());
    const takingOver = holder !== this.identity;
    const metadata = withMetadata(lease.metadata, this.#options);
    if (metadata !== undefined) lease.metadata = metadata;
    lease.spec = {
      ...spec,
      holderIdentity: this.identity,
      leaseDurationSeconds: this.#leaseDurationSeconds,
      renewTime: now,
      acquireTime: takingOver || spec.acquireTime === undefined ? now : spec.acquireTime,
      leaseTransitions: (spec.leaseTransitions ?? 0) + (takingOver && holder !== '' ? 1 : 0),
    };
    try {
      const written = await this.#call(this.#api.replaceNamespacedLease({ name, namespace, body: lease }));
      this.#writtenVersion = written.metadata?.resourceVersion;
    } catch (err) {
      if (isConflict(err)) return 'conflict';
      throw err;
    }
    this.#observe(this.identity);
    return 'held';
  }

  async #create(): Promise<AttemptResult | 'conflict'> {
    const { name, namespace } = this.#options;
    const now = new V1MicroTime(Date.now());
    const { labels, annotations } = this.#options;
    try {
      const created = await this.#call(
        this.#api.createNamespacedLease({
          namespace,
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: {
              name,
              namespace,
              ...(labels ? { labels: { ...labels } } : {}),
              ...(annotations ? { annotations: { ...annotations } } : {}),
            },
            spec: {
              holderIdentity: this.identity,
              leaseDurationSeconds: this.#leaseDurationSeconds,
              acquireTime: now,
              renewTime: now,
              leaseTransitions: 0,
            },
          },
        }),
      );
      this.#writtenVersion = created.metadata?.resourceVersion;
    } catch (err) {
      if (isAlreadyExists(err)) return 'conflict';
      throw err;
    }
    this.#observe(this.identity);
    return 'held';
  }
}

/** Creates a leader elector (not started). */
export function createLeaderElector(options: LeaderElectionOptions): LeaderElector {
  return new LeaderElector(options);
}
