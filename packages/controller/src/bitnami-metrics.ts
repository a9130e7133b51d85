import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Bitnami sealed-secrets' metric names and labels (its pkg/controller/metrics.go), exported with
 * `--bitnami-compat` so that existing alerts and dashboards keep working after the move.
 */
export interface BitnamiMetrics {
  /** One per SealedSecret reconcile. */
  readonly unsealRequests: Counter;
  /** By Bitnami's reasons: `unseal`, `unmanaged`, `update`, `status`; and the object's namespace. */
  readonly unsealErrors: Counter<'reason' | 'namespace'>;
  /** Per SealedSecret and condition type: 1 True, -1 False, 0 Unknown. */
  readonly conditionInfo: Gauge<'namespace' | 'name' | 'condition'>;
  readonly buildInfo: Gauge<'revision'>;
}

export const BitnamiErrorReason = {
  Unseal: 'unseal',
  Unmanaged: 'unmanaged',
  Update: 'update',
  Status: 'status',
} as const;
export type BitnamiErrorReason = (typeof BitnamiErrorReason)[keyof typeof BitnamiErrorReason];

const PREFIX = 'sealed_secrets_controller_';

export function createBitnamiMetrics(registry: Registry, revision: string): BitnamiMetrics {
  const registers = [registry];
  const buildInfo = new Gauge({
    name: `${PREFIX}build_info`,
    help: 'Build information.',
    labelNames: ['revision'],
    registers,
  });
  buildInfo.set({ revision }, 1);
  return {
    unsealRequests: new Counter({
      name: `${PREFIX}unseal_requests_total`,
      help: 'Total number of sealed secret unseal requests',
      registers,
    }),
    unsealErrors: new Counter({
      name: `${PREFIX}unseal_errors_total`,
      help: 'Total number of sealed secret unseal errors by reason',
      labelNames: ['reason', 'namespace'],
      registers,
    }),
    conditionInfo: new Gauge({
      name: `${PREFIX}condition_info`,
      help: 'Current SealedSecret condition status. Values are -1 (false), 0 (unknown or absent), 1 (true)',
      labelNames: ['namespace', 'name', 'condition'],
      registers,
    }),
    buildInfo,
  };
}

/** Bitnami's gauge value of a condition status. */
export function conditionGaugeValue(status: string | undefined): number {
  return status === 'True' ? 1 : status === 'False' ? -1 : 0;
}
