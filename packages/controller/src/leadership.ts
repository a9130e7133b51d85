import type { KubeConfig } from '@kubernetes/client-node';
import { createLeaderElector, type LeaderElector } from '@gitseal/kube';
import type { Logger } from 'pino';
import type { LeaderElectionTimings } from './flags.js';

export const LEASE_NAME = 'gitseal-controller';

/** Who may write: the Lease holder, or everyone when leader election is off. */
export interface Leadership {
  isLeader(): boolean;
  start(): void;
  /** Stops writing at once and hands the lease back. */
  release(): Promise<void>;
}

export interface LeadershipOptions {
  readonly enabled: boolean;
  readonly timings: LeaderElectionTimings;
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly logger: Logger;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
}

export function createLeadership(options: LeadershipOptions): Leadership {
  if (!options.enabled) {
    return {
      isLeader: () => true,
      start: () => options.onStartedLeading(),
      release: async () => undefined,
    };
  }
  const elector: LeaderElector = createLeaderElector({
    kubeConfig: options.kubeConfig,
    namespace: options.namespace,
    name: LEASE_NAME,
    leaseDurationSeconds: options.timings.leaseDurationSeconds,
    renewDeadlineMs: options.timings.renewDeadlineMs,
    retryPeriodMs: options.timings.retryPeriodMs,
    logger: options.logger,
    onStartedLeading: () => {
      options.logger.info({ lease: `${options.namespace}/${LEASE_NAME}` }, 'started leading');
      options.onStartedLeading();
    },
    onStoppedLeading: () => {
      options.logger.warn({ lease: `${options.namespace}/${LEASE_NAME}` }, 'stopped leading');
      options.onStoppedLeading();
    },
  });
  return {
    isLeader: () => elector.isLeader(),
    start: () => elector.start(),
    release: () => elector.release(),
  };
}
