import type { KubeObject } from '@gitseal/manifests';
import { groupOf } from './object-ref.js';

export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** Built-in kinds that have no namespace; more come from CRDs in the revision or API discovery. */
export const CLUSTER_SCOPED_KINDS: readonly GroupKind[] = [
  { group: '', kind: 'Namespace' },
  { group: '', kind: 'PersistentVolume' },
  { group: '', kind: 'Node' },
  { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
  { group: 'storage.k8s.io', kind: 'StorageClass' },
  { group: 'storage.k8s.io', kind: 'CSIDriver' },
  { group: 'scheduling.k8s.io', kind: 'PriorityClass' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
  { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding' },
  { group: 'apiregistration.k8s.io', kind: 'APIService' },
  { group: 'networking.k8s.io', kind: 'IngressClass' },
  { group: 'node.k8s.io', kind: 'RuntimeClass' },
];

const key = (gk: GroupKind): string => `${gk.kind}.${gk.group}`;

/** Kinds that CRDs in the revision declare with `spec.scope: Cluster`. */
export function clusterScopedKindsFromCrds(objects: readonly KubeObject[]): GroupKind[] {
  const out: GroupKind[] = [];
  for (const object of objects) {
    if (object.kind !== 'CustomResourceDefinition' || groupOf(object.apiVersion) !== 'apiextensions.k8s.io') continue;
    const spec = object['spec'] as { group?: unknown; scope?: unknown; names?: { kind?: unknown } } | undefined;
    if (spec?.scope === 'Cluster' && typeof spec.group === 'string' && typeof spec.names?.kind === 'string') {
      out.push({ group: spec.group, kind: spec.names.kind });
    }
  }
  return out;
}

/** A predicate for "has no namespace": built-ins, CRDs of the revision, and extra kinds from discovery. */
export function clusterScopeChecker(
  objects: readonly KubeObject[],
  extra: readonly GroupKind[] = [],
): (object: KubeObject) => boolean {
  const known = new Set([...CLUSTER_SCOPED_KINDS, ...clusterScopedKindsFromCrds(objects), ...extra].map(key));
  return (object) => known.has(key({ group: groupOf(object.apiVersion), kind: object.kind }));
}

/**
 * Puts namespaced objects without a namespace into `targetNamespace` (returns copies; objects that already
 * name a namespace and cluster-scoped ones are returned as they are).
 */
export function defaultNamespace<T extends { object: KubeObject }>(
  items: readonly T[],
  targetNamespace: string,
  extra: readonly GroupKind[] = [],
): T[] {
  const isClusterScoped = clusterScopeChecker(
    items.map((i) => i.object),
    extra,
  );
  return items.map((item) => {
    const { object } = item;
    if (
      isClusterScoped(object) ||
      (typeof object.metadata?.namespace === 'string' && object.metadata.namespace !== '')
    ) {
      return item;
    }
    return { ...item, object: { ...object, metadata: { ...object.metadata, namespace: targetNamespace } } };
  });
}
