import type { GitSync, KubeObject } from '@gitseal/manifests';
import { withAppliedDigest } from './applied-digest.js';
import { SYNC_LABEL, syncLabel } from './sync-label.js';
import { defaultNamespace, type GroupKind } from './target-namespace.js';

/** What a GitSync adds to each object it applies (the GitSync's identity and target namespace). */
export type DesiredFor = Pick<GitSync, 'metadata'> & { readonly spec?: Pick<GitSync['spec'], 'targetNamespace'> };

/** Where a GitSync puts namespaced objects that name no namespace: spec.targetNamespace, else its own namespace. */
export function targetNamespaceOf(gitSync: DesiredFor): string {
  return gitSync.spec?.targetNamespace ?? gitSync.metadata.namespace ?? 'default';
}

/**
 * One object exactly as apply sends it: the rendered object with the sync label `label` (none when undefined)
 * and the applied-digest annotation over the result. Idempotent: a desired object maps to itself.
 */
export function desiredObject(object: KubeObject, label: string | undefined): KubeObject {
  const metadata = object.metadata ?? {};
  const labelled =
    label === undefined
      ? object
      : { ...object, metadata: { ...metadata, labels: { ...metadata.labels, [SYNC_LABEL]: label } } };
  return withAppliedDigest(labelled);
}

/**
 * The objects of a rendered revision exactly as `gitSync` applies them (see desiredObject), namespaced objects
 * without a namespace put into its target namespace. Returns copies, in the given order. The sync engine and
 * `gitseal diff` both build what they send with this function, so a diff right after a sync shows no change.
 */
export function desiredObjects<T extends { object: KubeObject }>(
  items: readonly T[],
  gitSync: DesiredFor,
  clusterScopedKinds: readonly GroupKind[] = [],
): T[] {
  const label = syncLabel(gitSync);
  return defaultNamespace(items, targetNamespaceOf(gitSync), clusterScopedKinds).map((item) => ({
    ...item,
    object: desiredObject(item.object, label),
  }));
}
