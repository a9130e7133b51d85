import { isPlainObject, type KubeObject } from '@gitseal/manifests';
import { groupOf } from './object-ref.js';

/** kstatus-like: Current (ready), InProgress (not yet), Failed (will not get there by waiting). */
export const HealthStatus = { Current: 'Current', InProgress: 'InProgress', Failed: 'Failed' } as const;
export type HealthStatus = (typeof HealthStatus)[keyof typeof HealthStatus];

export interface Health {
  readonly status: HealthStatus;
  /** Short, safe: counts and condition reasons only. */
  readonly message: string;
}

interface ConditionView {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const rec = (value: unknown): Record<string, unknown> => (isPlainObject(value) ? value : {});

function conditions(status: Record<string, unknown>): ConditionView[] {
  const list = status['conditions'];
  if (!Array.isArray(list)) return [];
  return list.filter(
    (c): c is ConditionView => isPlainObject(c) && typeof c['type'] === 'string' && typeof c['status'] === 'string',
  );
}

const current = (message = 'ready'): Health => ({ status: HealthStatus.Current, message });
const progress = (message: string): Health => ({ status: HealthStatus.InProgress, message });
const failed = (message: string): Health => ({ status: HealthStatus.Failed, message });

/** Status not yet caught up with the latest spec. */
function staleGeneration(object: KubeObject, status: Record<string, unknown>): Health | undefined {
  const generation = num(object.metadata?.generation);
  const observed = num(status['observedGeneration']);
  if (generation !== undefined && (observed === undefined || observed < generation)) {
    return progress(`observedGeneration ${observed ?? 'unset'} < generation ${generation}`);
  }
  return undefined;
}

function deployment(object: KubeObject, status: Record<string, unknown>): Health {
  const stale = staleGeneration(object, status);
  if (stale) return stale;
  const progressing = conditions(status).find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return failed('progress deadline exceeded');
  const replicas = num(rec(object['spec'])['replicas']) ?? 1;
  const updated = num(status['updatedReplicas']) ?? 0;
  const total = num(status['replicas']) ?? 0;
  const available = num(status['availableReplicas']) ?? 0;
  const ready = num(status['readyReplicas']) ?? 0;
  if (updated < replicas) return progress(`${updated}/${replicas} replicas updated`);
  if (total > updated) return progress(`${total - updated} old replicas pending termination`);
  if (available < replicas) return progress(`${available}/${replicas} replicas available`);
  if (ready < replicas) return progress(`${ready}/${replicas} replicas ready`);
  return current(`${ready}/${replicas} replicas ready`);
}

function statefulSet(object: KubeObject, status: Record<string, unknown>): Health {
  const stale = staleGeneration(object, status);
  if (stale) return stale;
  const spec = rec(object['spec']);
  const replicas = num(spec['replicas']) ?? 1;
  const ready = num(status['readyReplicas']) ?? 0;
  const strategy = rec(spec['updateStrategy']);
  const partition = num(rec(strategy['rollingUpdate'])['partition']) ?? 0;
  if (ready < replicas) return progress(`${ready}/${replicas} replicas ready`);
  if ((strategy['type'] ?? 'RollingUpdate') === 'RollingUpdate' && partition === 0) {
    const updated = num(status['updatedReplicas']) ?? 0;
    if (updated < replicas) return progress(`${updated}/${replicas} replicas updated`);
    if (status['updateRevision'] !== undefined && status['currentRevision'] !== status['updateRevision']) {
      return progress('rollout to the update revision in progress');
    }
  }
  return current(`${ready}/${replicas} replicas ready`);
}

function daemonSet(object: KubeObject, status: Record<string, unknown>): Health {
  const stale = staleGeneration(object, status);
  if (stale) return stale;
  const desired = num(status['desiredNumberScheduled']) ?? 0;
  const updated = num(status['updatedNumberScheduled']) ?? 0;
  const available = num(status['numberAvailable']) ?? 0;
  const ready = num(status['numberReady']) ?? 0;
  if (updated < desired) return progress(`${updated}/${desired} pods updated`);
  if (available < desired) return progress(`${available}/${desired} pods available`);
  if (ready < desired) return progress(`${ready}/${desired} pods ready`);
  return current(`${ready}/${desired} pods ready`);
}

function job(_object: KubeObject, status: Record<string, unknown>): Health {
  const list = conditions(status);
  if (list.some((c) => c.type === 'Failed' && c.status === 'True')) {
    const reason = list.find((c) => c.type === 'Failed')?.reason;
    return failed(`job failed${reason ? ` (${reason})` : ''}`);
  }
  if (list.some((c) => c.type === 'Complete' && c.status === 'True')) return current('job complete');
  return progress('job not complete');
}

function sealedSecret(object: KubeObject, status: Record<string, unknown>): Health {
  const stale = staleGeneration(object, status);
  if (stale) return stale;
  const synced = conditions(status).find((c) => c.type === 'Synced');
  if (!synced) return progress('not synced yet');
  if (synced.status === 'True') return current('synced');
  return failed(`not synced${synced.reason ? ` (${synced.reason})` : ''}`);
}

function generic(object: KubeObject, status: Record<string, unknown>): Health {
  const list = conditions(status);
  const stalled = list.find((c) => c.type === 'Stalled' && c.status === 'True');
  if (stalled) return failed(`stalled${stalled.reason ? ` (${stalled.reason})` : ''}`);
  const ready = list.find((c) => c.type === 'Ready');
  if (!ready) return current('no readiness to wait for');
  const stale = staleGeneration(object, status);
  if (stale) return stale;
  if (ready.status === 'True') return current();
  return progress(`not ready${ready.reason ? ` (${ready.reason})` : ''}`);
}

const CHECKS: Record<string, (object: KubeObject, status: Record<string, unknown>) => Health> = {
  'apps/Deployment': deployment,
  'apps/StatefulSet': statefulSet,
  'apps/DaemonSet': daemonSet,
  'batch/Job': job,
  'gitseal.dev/SealedSecret': sealedSecret,
  'bitnami.com/SealedSecret': sealedSecret,
};

/**
 * The health of one live object, the way kstatus reads it: Deployment/StatefulSet/DaemonSet rollouts
 * (observedGeneration, updated/ready/available counts), Job Complete/Failed, SealedSecret `Synced`, and any
 * object with a `Ready` (or `Stalled`) condition. Objects with nothing to wait for are Current.
 */
export function objectHealth(object: KubeObject): Health {
  const check = CHECKS[`${groupOf(object.apiVersion)}/${object.kind}`] ?? generic;
  return check(object, rec(object['status']));
}
