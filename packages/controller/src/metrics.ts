import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createBitnamiMetrics, type BitnamiMetrics } from './bitnami-metrics.js';

/** Why a reconcile of a SealedSecret ended as it did: the `reason` label (also the condition reason). */
export const UnsealReason = {
  Unsealed: 'Unsealed',
  Unchanged: 'Unchanged',
  UnsealFailed: 'UnsealFailed',
  SecretNotOwned: 'SecretNotOwned',
  InvalidSealedSecret: 'InvalidSealedSecret',
  ApplyFailed: 'ApplyFailed',
} as const;
export type UnsealReason = (typeof UnsealReason)[keyof typeof UnsealReason];

/** One GitSync as the per-GitSync gauges see it at scrape time (names only: never a revision or a message). */
export interface GitSyncHealth {
  readonly namespace: string;
  readonly name: string;
  /** Its Ready condition is True for its current generation. */
  readonly ready: boolean;
  /** Failed syncs in a row (0 after a success); undefined on a replica that is not the leader (it does not sync). */
  readonly consecutiveFailures: number | undefined;
}

/** This replica's shard view at scrape time (--shards auto only). */
export interface ShardsView {
  /** Live members in this replica's view, itself included. */
  readonly members: number;
  /** Objects this replica may write now, by kind (SealedSecret, GitSync). */
  readonly owned: Readonly<Record<string, number>>;
}

/** The RSA worker pool at scrape time. */
export interface RsaPoolView {
  /** Most worker threads (--rsa-workers). */
  readonly size: number;
  /** Worker threads running now: they start with the work and stop when idle. */
  readonly running: number;
  readonly busy: number;
  readonly queuedReconciler: number;
  readonly queuedApi: number;
}

/** Every metric the controller exports, in one registry (no globals: tests can make their own). */
export interface ControllerMetrics {
  readonly registry: Registry;
  readonly unsealResults: Counter<'reason'>;
  readonly reconcileDuration: Histogram<'kind'>;
  readonly queueDepth: Gauge<'queue'>;
  readonly keys: Gauge<'state'>;
  /** Computed at each scrape from the notBefore given to setNewestKeyNotBefore (0 without a sealing key). */
  readonly newestKeyAge: Gauge;
  setNewestKeyNotBefore(notBefore: Date | undefined): void;
  readonly rsaPrivateOperations: Counter;
  readonly compromisedKeyObjects: Gauge;
  readonly httpRequests: Counter<'route' | 'code'>;
  readonly leader: Gauge;
  readonly apiWrites: Counter<'resource'>;
  /** SealedSecrets read whole because the cache held them without ciphertexts (lean-sealed-secret.ts). */
  readonly sealedSecretReads: Counter;
  readonly certsConfigMapRestores: Counter;
  /** 1 while a GitSync is Ready, else 0; one series per GitSync in the caches (gone with the GitSync). */
  readonly gitSyncReady: Gauge<'namespace' | 'name'>;
  /** Failed syncs in a row per GitSync (leader only; gone with the GitSync). */
  readonly gitSyncConsecutiveFailures: Gauge<'namespace' | 'name'>;
  /** Where the two gauges above read their values at each scrape. */
  observeGitSyncs(source: () => Iterable<GitSyncHealth>): void;
  /** Finished syncs by result (Succeeded, Failed) and reason (a SyncReason, `None` on success). */
  readonly syncResults: Counter<'result' | 'reason'>;
  /** Drift of an applied object by another writer (or its deletion) that self-heal re-applies, per GitSync. */
  readonly driftCorrections: Counter<'namespace' | 'name'>;
  readonly rsaPoolWorkers: Gauge;
  readonly rsaPoolRunningWorkers: Gauge;
  readonly rsaPoolBusyWorkers: Gauge;
  readonly rsaPoolQueuedTasks: Gauge<'priority'>;
  /** Where the three pool gauges read their values at each scrape. */
  observeRsaPool(source: () => RsaPoolView): void;
  /** --key-renew-period in seconds (0: renewal off). */
  readonly keyRenewPeriod: Gauge;
  /** Live shard members in this replica's view (--shards auto). */
  readonly shardMembers: Gauge;
  /** Objects this replica may write now, by kind (--shards auto). */
  readonly shardOwnedObjects: Gauge<'kind'>;
  /** Where the two shard gauges read their values at each scrape. */
  observeShards(source: () => ShardsView): void;
  /**
   * Notifications by provider (`namespace/name`), type and outcome: sent, failed (given up or refused for good),
   * dropped (pushed out of a full queue), deduplicated (folded into an earlier one), retried (one failed attempt).
   */
  readonly notifications: Counter<'provider' | 'type' | 'outcome'>;
  /** Bitnami's metric names, only with --bitnami-compat. */
  readonly bitnami: BitnamiMetrics | undefined;
}

export interface MetricsOptions {
  /** Also export Bitnami sealed-secrets' metric names. */
  readonly bitnamiCompat?: boolean;
  /** The `revision` label of sealed_secrets_controller_build_info. */
  readonly version?: string;
}

export function createMetrics(options: MetricsOptions = {}): ControllerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gitseal_controller_' });
  const registers = [registry];
  let newestNotBeforeMs: number | undefined;
  let gitSyncs: () => Iterable<GitSyncHealth> = () => [];
  let rsaPool: (() => RsaPoolView) | undefined;
  let shards: (() => ShardsView) | undefined;
  return {
    registry,
    unsealResults: new Counter({
      name: 'gitseal_unseal_results_total',
      help: 'SealedSecret reconciles by result reason',
      labelNames: ['reason'],
      registers,
    }),
    reconcileDuration: new Histogram({
      name: 'gitseal_reconcile_duration_seconds',
      help: 'Time per reconcile',
      labelNames: ['kind'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'gitseal_work_queue_depth',
      help: 'Keys waiting in a work queue',
      labelNames: ['queue'],
      registers,
    }),
    keys: new Gauge({ name: 'gitseal_keys', help: 'Sealing keys held, by state', labelNames: ['state'], registers }),
    newestKeyAge: new Gauge({
      name: 'gitseal_newest_key_age_seconds',
      help: 'Age of the newest sealing key (by certificate notBefore)',
      registers,
      collect() {
        // At scrape time: a value set when the key was loaded would stand still.
        const age = newestNotBeforeMs === undefined ? 0 : Math.max(0, (Date.now() - newestNotBeforeMs) / 1000);
        this.set(age);
      },
    }),
    setNewestKeyNotBefore(notBefore) {
      newestNotBeforeMs = notBefore?.getTime();
    },
    rsaPrivateOperations: new Counter({
      name: 'gitseal_rsa_private_operations_total',
      help: 'RSA private-key operations performed (decryptions and certificate signatures)',
      registers,
    }),
    compromisedKeyObjects: new Gauge({
      name: 'gitseal_compromised_key_sealed_secrets',
      help: 'SealedSecrets that were opened with a key marked compromised',
      registers,
    }),
    httpRequests: new Counter({
      name: 'gitseal_http_requests_total',
      help: 'API requests by route and status code',
      labelNames: ['route', 'code'],
      registers,
    }),
    leader: new Gauge({
      name: 'gitseal_leader',
      help: '1 while this replica holds the lease and may write (always 1 without leader election)',
      registers,
    }),
    apiWrites: new Counter({
      name: 'gitseal_api_writes_total',
      help: 'Writes to the API server by resource (Secret, SealedSecretStatus, Event, ConfigMap, KeySecret)',
      labelNames: ['resource'],
      registers,
    }),
    sealedSecretReads: new Counter({
      name: 'gitseal_sealed_secret_reads_total',
      help: 'SealedSecrets read whole from the API server to unseal them: the cache keeps those whose Secret was intact without ciphertexts',
      registers,
    }),
    certsConfigMapRestores: new Counter({
      name: 'gitseal_certs_config_map_restores_total',
      help: 'Times the gitseal-certs ConfigMap was changed or deleted by someone else and restored (leader only)',
      registers,
    }),
    gitSyncReady: new Gauge({
      name: 'gitseal_gitsync_ready',
      help: '1 while the GitSync is Ready for its current generation, else 0',
      labelNames: ['namespace', 'name'],
      registers,
      collect() {
        // Rebuilt at each scrape from the cache: a deleted GitSync's series goes with it.
        this.reset();
        for (const g of gitSyncs()) this.set({ namespace: g.namespace, name: g.name }, g.ready ? 1 : 0);
      },
    }),
    gitSyncConsecutiveFailures: new Gauge({
      name: 'gitseal_gitsync_consecutive_failures',
      help: 'Failed syncs of the GitSync in a row (0 after a success; exported by the leader only)',
      labelNames: ['namespace', 'name'],
      registers,
      collect() {
        this.reset();
        for (const g of gitSyncs()) {
          if (g.consecutiveFailures !== undefined)
            this.set({ namespace: g.namespace, name: g.name }, g.consecutiveFailures);
        }
      },
    }),
    observeGitSyncs(source) {
      gitSyncs = source;
    },
    syncResults: new Counter({
      name: 'gitseal_sync_results_total',
      help: 'Finished GitSync syncs by result and reason',
      labelNames: ['result', 'reason'],
      registers,
    }),
    driftCorrections: new Counter({
      name: 'gitseal_drift_corrections_total',
      help: 'Changes or deletions of applied objects by another writer that self-heal puts back, per GitSync',
      labelNames: ['namespace', 'name'],
      registers,
    }),
    notifications: new Counter({
      name: 'gitseal_notifications_total',
      help: 'Notifications by provider (namespace/name), type and outcome (sent, failed, dropped, deduplicated, retried)',
      labelNames: ['provider', 'type', 'outcome'],
      registers,
    }),
    rsaPoolWorkers: new Gauge({
      name: 'gitseal_rsa_pool_workers',
      help: 'Most worker threads in the RSA pool (--rsa-workers)',
      registers,
      collect() {
        if (rsaPool) this.set(rsaPool().size);
      },
    }),
    rsaPoolRunningWorkers: new Gauge({
      name: 'gitseal_rsa_pool_running_workers',
      help: 'RSA pool worker threads running now (started with the work, stopped when idle)',
      registers,
      collect() {
        if (rsaPool) this.set(rsaPool().running);
      },
    }),
    rsaPoolBusyWorkers: new Gauge({
      name: 'gitseal_rsa_pool_busy_workers',
      help: 'RSA pool workers running a task',
      registers,
      collect() {
        if (rsaPool) this.set(rsaPool().busy);
      },
    }),
    rsaPoolQueuedTasks: new Gauge({
      name: 'gitseal_rsa_pool_queued_tasks',
      help: 'RSA tasks waiting for a worker, by priority (reconciler, api)',
      labelNames: ['priority'],
      registers,
      collect() {
        if (!rsaPool) return;
        const view = rsaPool();
        this.set({ priority: 'reconciler' }, view.queuedReconciler);
        this.set({ priority: 'api' }, view.queuedApi);
      },
    }),
    observeRsaPool(source) {
      rsaPool = source;
    },
    keyRenewPeriod: new Gauge({
      name: 'gitseal_key_renew_period_seconds',
      help: 'How often a new sealing key is made (--key-renew-period; 0: never)',
      registers,
    }),
    shardMembers: new Gauge({
      name: 'gitseal_shard_members',
      help: 'Live shard members in this replica’s view, itself included (--shards auto)',
      registers,
      collect() {
        if (shards) this.set(shards().members);
      },
    }),
    shardOwnedObjects: new Gauge({
      name: 'gitseal_shard_owned_objects',
      help: 'Objects this replica may write now, by kind (--shards auto)',
      labelNames: ['kind'],
      registers,
      collect() {
        if (!shards) return;
        for (const [kind, count] of Object.entries(shards().owned)) this.set({ kind }, count);
      },
    }),
    observeShards(source) {
      shards = source;
    },
    bitnami: options.bitnamiCompat ? createBitnamiMetrics(registry, options.version ?? 'unknown') : undefined,
  };
}
