import type { KubeObject } from '@gitseal/manifests';
import { requireGenerations } from './health-generic.js';
import {
  current,
  failed,
  findCondition,
  inProgress,
  int,
  rec,
  str,
  type Fields,
  type Health,
} from './health-fields.js';

const MAX_INT32 = 2_147_483_647;

/** kstatus's deploymentConditions: the progress deadline, the replica counts, then Progressing and Available. */
export function deploymentHealth(object: KubeObject, status: Fields): Health {
  const spec = rec(object['spec']);
  const progressing = findCondition(status, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return failed('progress deadline exceeded');
  // Without a progress deadline the controller sets no Progressing condition: nothing to wait for there.
  const noDeadline = (int(spec['progressDeadlineSeconds']) ?? MAX_INT32) === MAX_INT32;
  const replicas = int(spec['replicas']) ?? 1;
  const total = int(status['replicas']) ?? 0;
  const updated = int(status['updatedReplicas']) ?? 0;
  const ready = int(status['readyReplicas']) ?? 0;
  const available = int(status['availableReplicas']) ?? 0;
  if (replicas > total) return inProgress(`${total}/${replicas} replicas`);
  if (replicas > updated) return inProgress(`${updated}/${replicas} replicas updated`);
  if (total > replicas) return inProgress(`${total - replicas} old replicas pending termination`);
  if (updated > available) return inProgress(`${available}/${updated} replicas available`);
  if (replicas > ready) return inProgress(`${ready}/${replicas} replicas ready`);
  const newReplicaSetAvailable = progressing?.status === 'True' && progressing.reason === 'NewReplicaSetAvailable';
  if (!noDeadline && !newReplicaSetAvailable) return inProgress('new ReplicaSet not available yet');
  if (!findCondition(status, 'Available', 'True')) return inProgress('Deployment not Available');
  return current(`${ready}/${replicas} replicas ready`);
}

/** kstatus's replicasetConditions. */
export function replicaSetHealth(object: KubeObject, status: Fields): Health {
  if (findCondition(status, 'ReplicaFailure', 'True')) return inProgress('replica failure (check its Pods)');
  const replicas = int(rec(object['spec'])['replicas']) ?? 1;
  const total = int(status['replicas']) ?? 0;
  const labelled = int(status['fullyLabeledReplicas']) ?? 0;
  const available = int(status['availableReplicas']) ?? 0;
  const ready = int(status['readyReplicas']) ?? 0;
  if (replicas > labelled) return inProgress(`${labelled}/${replicas} replicas labelled`);
  if (replicas > available) return inProgress(`${available}/${replicas} replicas available`);
  if (replicas > ready) return inProgress(`${ready}/${replicas} replicas ready`);
  if (total > replicas) return inProgress(`${total - replicas} extra replicas pending termination`);
  return current(`${ready}/${replicas} replicas ready`);
}

/** kstatus's stsConditions: OnDelete is user-managed; partitions roll out only their part. */
export function statefulSetHealth(object: KubeObject, status: Fields): Health {
  const spec = rec(object['spec']);
  const strategy = rec(spec['updateStrategy']);
  if (str(strategy['type']) === 'OnDelete') return current('OnDelete update strategy: nothing to wait for');
  const replicas = int(spec['replicas']) ?? 1;
  const total = int(status['replicas']) ?? 0;
  const ready = int(status['readyReplicas']) ?? 0;
  const currentReplicas = int(status['currentReplicas']) ?? 0;
  const updated = int(status['updatedReplicas']) ?? 0;
  const partition = int(rec(strategy['rollingUpdate'])['partition']);
  if (replicas > total) return inProgress(`${total}/${replicas} replicas`);
  if (replicas > ready) return inProgress(`${ready}/${replicas} replicas ready`);
  if (total > replicas) return inProgress(`${total - replicas} extra replicas pending termination`);
  if (partition !== undefined) {
    if (updated < replicas - partition)
      return inProgress(`${updated}/${replicas - partition} partition replicas updated`);
    return current(`partition rollout complete, ${updated} updated`);
  }
  if (replicas > currentReplicas) return inProgress(`${currentReplicas}/${replicas} replicas current`);
  if (str(status['currentRevision']) !== str(status['updateRevision'])) {
    return inProgress('rollout to the update revision in progress');
  }
  return current(`${ready}/${replicas} replicas ready`);
}

/** kstatus's daemonsetConditions (generation and observedGeneration must both be set). */
export function daemonSetHealth(object: KubeObject, status: Fields): Health {
  const unobserved = requireGenerations(object, status);
  if (unobserved) return unobserved;
  const desired = int(status['desiredNumberScheduled']);
  if (desired === undefined) return inProgress('status.desiredNumberScheduled not set');
  const scheduled = int(status['currentNumberScheduled']) ?? 0;
  const updated = int(status['updatedNumberScheduled']) ?? 0;
  const available = int(status['numberAvailable']) ?? 0;
  const ready = int(status['numberReady']) ?? 0;
  if (desired > scheduled) return inProgress(`${scheduled}/${desired} pods scheduled`);
  if (desired > updated) return inProgress(`${updated}/${desired} pods updated`);
  if (desired > available) return inProgress(`${available}/${desired} pods available`);
  if (desired > ready) return inProgress(`${ready}/${desired} pods ready`);
  return current(`${ready}/${desired} pods ready`);
}
