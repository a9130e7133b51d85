import type { KubeObject } from '@gitseal/manifests';
import {
  because,
  conditions,
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
import { containerProblems, describeProblem } from './pod-problems.js';

/** How long kstatus lets a Pod stay unschedulable before calling it Failed. */
export const SCHEDULE_WINDOW_MS = 15_000;

export const alwaysReady = (): Health => current('nothing to wait for');

/** kstatus's podConditions, plus image-pull failures counted as failed like a crash loop. */
export function podHealth(object: KubeObject, status: Fields, now: number): Health {
  const phase = str(status['phase']) ?? '';
  if (phase === 'Succeeded') return current('pod completed');
  if (phase === 'Failed') return current('pod completed, not successfully');
  const fatal = containerProblems(object).find((p) => p.fatal);
  if (phase === 'Running') {
    if (findCondition(status, 'Ready', 'True')) return current('pod ready');
    if (fatal) return failed(describeProblem(fatal));
    return inProgress('pod running, not ready');
  }
  if (phase === 'Pending') {
    if (fatal) return failed(describeProblem(fatal));
    const scheduled = findCondition(status, 'PodScheduled', 'False');
    if (scheduled?.reason === 'Unschedulable') {
      const created = Date.parse(String(object.metadata?.creationTimestamp ?? ''));
      if (Number.isNaN(created) || now - created >= SCHEDULE_WINDOW_MS) return failed('pod unschedulable');
      return inProgress('pod not scheduled yet');
    }
    return inProgress('pod pending');
  }
  return inProgress(phase ? `pod phase ${phase}` : 'pod phase not observed yet');
}

/** kstatus's pvcConditions. */
export function pvcHealth(_object: KubeObject, status: Fields): Health {
  const phase = str(status['phase']);
  if (phase === 'Bound') return current('bound');
  return inProgress(`not bound (phase ${phase && /^\w{1,32}$/.test(phase) ? phase : 'unknown'})`);
}

/** kstatus's serviceConditions: a LoadBalancer Service waits for its cluster IP (not for an ingress address). */
export function serviceHealth(object: KubeObject): Health {
  const spec = rec(object['spec']);
  if ((str(spec['type']) ?? 'ClusterIP') === 'LoadBalancer' && !str(spec['clusterIP'])) {
    return inProgress('LoadBalancer Service has no cluster IP yet');
  }
  return current('service ready');
}

/** kstatus's jobConditions: Complete or Suspended is Current, Failed fails, a started Job is Current. */
export function jobHealth(object: KubeObject, status: Fields): Health {
  const spec = rec(object['spec']);
  const parallelism = int(spec['parallelism']) ?? 1;
  const completions = int(spec['completions']) ?? parallelism;
  const succeeded = int(status['succeeded']) ?? 0;
  for (const c of conditions(status)) {
    if (c.status !== 'True') continue;
    if (c.type === 'Complete') return current(`job complete, ${succeeded}/${completions} succeeded`);
    if (c.type === 'Failed') return failed(`job failed${because(c)}, ${int(status['failed']) ?? 0} failed pods`);
    if (c.type === 'Suspended') return current('job suspended');
  }
  if (!str(status['startTime'])) return inProgress('job not started');
  return current(`job running, ${succeeded}/${completions} succeeded, ${int(status['active']) ?? 0} active`);
}

/** kstatus's crdConditions. */
export function crdHealth(_object: KubeObject, status: Fields): Health {
  for (const c of conditions(status)) {
    if (c.type === 'NamesAccepted' && c.status === 'False') return failed(`names not accepted${because(c)}`);
    if (c.type === 'Established') {
      if (c.status === 'False' && c.reason !== 'Installing') return failed(`not established${because(c)}`);
      if (c.status === 'True') return current('established');
    }
  }
  return inProgress('CRD being installed');
}

/** gitseal's (and Bitnami's) SealedSecret: its `Synced` condition. */
export function sealedSecretHealth(_object: KubeObject, status: Fields): Health {
  const synced = findCondition(status, 'Synced');
  if (!synced) return inProgress('not synced yet');
  if (synced.status === 'True') return current('synced');
  return failed(`not synced${because(synced)}`);
}
