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
  readonly certsConfigMapRestores: Counter;
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
    certsConfigMapRestores: new Counter({
      name: 'gitseal_certs_config_map_restores_total',
      help: 'Times the gitseal-certs ConfigMap was changed or deleted by someone else and restored (leader only)',
      registers,
    }),
    bitnami: options.bitnamiCompat ? createBitnamiMetrics(registry, options.version ?? 'unknown') : undefined,
  };
}
