import type { KubeObject } from '@gitseal/manifests';
import {
  because,
  current,
  failed,
  findCondition,
  inProgress,
  int,
  rec,
  type Fields,
  type Health,
} from './health-fields.js';

/**
 * `status.observedGeneration` behind `metadata.generation` (only when both are set, as kstatus checks it for every
 * kind; DaemonSets insist on both, see requireGenerations).
 */
export function staleGeneration(object: KubeObject, status: Fields): Health | undefined {
  const generation = int(object.metadata?.generation);
  const observed = int(status['observedGeneration']);
  if (generation === undefined || observed === undefined || observed === generation) return undefined;
  return inProgress(`observedGeneration ${observed} < generation ${generation}`);
}

/** kstatus's checkGenerationSet: a controller that acted on the object has set both. */
export function requireGenerations(object: KubeObject, status: Fields): Health | undefined {
  if (int(object.metadata?.generation) === undefined) return inProgress('metadata.generation not set');
  if (int(status['observedGeneration']) === undefined) return inProgress('status.observedGeneration not set');
  return undefined;
}

/**
 * kstatus's generic properties, read before any kind's own rules: being deleted, a generation not yet observed,
 * then the standard conditions `Reconciling=True` (InProgress) and `Stalled=True` (Failed).
 */
export function genericProperties(object: KubeObject): Health | undefined {
  if (object.metadata?.deletionTimestamp) return inProgress('being deleted');
  const status = rec(object['status']);
  const stale = staleGeneration(object, status);
  if (stale) return stale;
  const reconciling = findCondition(status, 'Reconciling', 'True');
  if (reconciling) return inProgress(`reconciling${because(reconciling)}`);
  const stalled = findCondition(status, 'Stalled', 'True');
  if (stalled) return failed(`stalled${because(stalled)}`);
  return undefined;
}

/**
 * A kind without rules of its own: a `Ready` condition decides when there is one (the convention Flux, Cluster API
 * and most operators follow); without one there is nothing to wait for (kstatus: Current).
 */
export function readyCondition(object: KubeObject): Health {
  const ready = findCondition(rec(object['status']), 'Ready');
  if (!ready) return current('no readiness to wait for');
  if (ready.status === 'True') return current('ready');
  return inProgress(`not ready${because(ready)}`);
}
