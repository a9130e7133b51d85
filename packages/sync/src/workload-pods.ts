import { isForbidden, listObjects } from '@gitseal/kube';
import { isPlainObject, type KubeObject } from '@gitseal/manifests';
import { rec, str } from './health-fields.js';
import type { ObjectApi } from './live-objects.js';
import { groupOf } from './object-ref.js';
import { worstProblem, type ContainerProblem } from './pod-problems.js';

/** The kinds whose Pods are looked at while they are not healthy. */
const WORKLOADS = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet']);

export const isWorkload = (object: KubeObject): boolean =>
  WORKLOADS.has(`${groupOf(object.apiVersion)}/${object.kind}`);

const LABEL = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/**
 * A LabelSelector (`matchLabels`, `matchExpressions`) as a label selector string, or undefined when it selects
 * nothing usable (empty, or a key or value that is not a valid label, so nothing is sent that the API server
 * would parse differently).
 */
export function selectorString(selector: unknown): string | undefined {
  const s = rec(selector);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(rec(s['matchLabels']))) {
    if (!LABEL.test(key) || typeof value !== 'string' || !VALUE.test(value)) return undefined;
    parts.push(`${key}=${value}`);
  }
  const expressions = s['matchExpressions'];
  for (const e of Array.isArray(expressions) ? expressions : []) {
    if (!isPlainObject(e)) return undefined;
    const key = str(e['key']);
    const values = Array.isArray(e['values']) ? e['values'] : [];
    if (!key || !LABEL.test(key) || !values.every((v) => typeof v === 'string' && VALUE.test(v))) return undefined;
    const list = `(${values.join(',')})`;
    switch (e['operator']) {
      case 'In':
        parts.push(`${key} in ${list}`);
        break;
      case 'NotIn':
        parts.push(`${key} notin ${list}`);
        break;
      case 'Exists':
        parts.push(key);
        break;
      case 'DoesNotExist':
        parts.push(`!${key}`);
        break;
      default:
        return undefined;
    }
  }
  return parts.length > 0 ? parts.join(',') : undefined;
}

const label = (pod: KubeObject, key: string): string | undefined => {
  const value = pod.metadata?.labels?.[key];
  return typeof value === 'string' ? value : undefined;
};
const created = (pod: KubeObject): number => Date.parse(String(pod.metadata?.creationTimestamp ?? '')) || 0;

/**
 * The Pods of the workload's rollout in progress, so an old revision's crash loop that this revision replaces is
 * not blamed on it: a StatefulSet's `controller-revision-hash` = status.updateRevision, a DaemonSet's
 * `pod-template-generation` = its generation, a Deployment's newest `pod-template-hash` once it has observed its
 * generation and counts updated replicas (before that its new ReplicaSet has no Pods: nothing to look at).
 */
export function rolloutPods(workload: KubeObject, pods: readonly KubeObject[]): KubeObject[] {
  const status = rec(workload['status']);
  switch (workload.kind) {
    case 'StatefulSet': {
      const revision = str(status['updateRevision']);
      return revision ? pods.filter((p) => label(p, 'controller-revision-hash') === revision) : [...pods];
    }
    case 'DaemonSet': {
      const generation = workload.metadata?.generation;
      if (typeof generation !== 'number') return [...pods];
      return pods.filter((p) => (label(p, 'pod-template-generation') ?? String(generation)) === String(generation));
    }
    default: {
      if (status['observedGeneration'] !== workload.metadata?.generation) return [];
      if (!(typeof status['updatedReplicas'] === 'number' && status['updatedReplicas'] > 0)) return [];
      const newest = [...pods].sort((a, b) => created(b) - created(a))[0];
      const hash = newest ? label(newest, 'pod-template-hash') : undefined;
      return hash ? pods.filter((p) => label(p, 'pod-template-hash') === hash) : [...pods];
    }
  }
}

/** Remembers, for one wait, whether the reader may list Pods at all. */
export interface PodAccess {
  forbidden: boolean;
}

/**
 * The most telling container problem among a workload's Pods (by its selector, in its namespace), read as the
 * same identity as the other health reads. Undefined when there is none, or when the Pods cannot be read: a
 * reader without Pod rights (a tenant's ServiceAccount) gets the workload's own status only, silently.
 */
export async function workloadPodProblem(
  reader: ObjectApi,
  workload: KubeObject,
  access: PodAccess,
): Promise<ContainerProblem | undefined> {
  const namespace = workload.metadata?.namespace;
  const labelSelector = selectorString(rec(workload['spec'])['selector']);
  if (access.forbidden || !namespace || !labelSelector) return undefined;
  let pods: KubeObject[];
  try {
    pods = (await listObjects(
      reader,
      { apiVersion: 'v1', kind: 'Pod' },
      { namespace, labelSelector },
    )) as unknown as KubeObject[];
  } catch (error) {
    if (isForbidden(error)) access.forbidden = true;
    return undefined;
  }
  // Plain JSON: client-node hands back model instances for built-in kinds.
  return worstProblem(rolloutPods(workload, JSON.parse(JSON.stringify(pods)) as KubeObject[]));
}
