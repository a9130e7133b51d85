import type { GitSync, KubeObject } from '@gitseal/manifests';
import { withAppliedDigest } from './applied-digest.js';
import { SYNC_LABEL, syncLabel } from './sync-label.js';

/** What a GitSync adds to each object it applies (the GitSync's identity and target namespace). */
export type DesiredFor = Pick<GitSync, 'metadata'> & {
  readonly spec?: Pick<GitSync['spec'], 'targetNamespace' | 'helm'>;
};

/** Where a GitSync puts namespaced objects that name no namespace: spec.targetNamespace, else its own namespace. */
export function targetNamespaceOf(gitSync: DesiredFor): string {
  return gitSync.spec?.targetNamespace ?? gitSync.metadata.namespace ?? 'default';
}

/** Where a render's objects without a namespace go: a chart's release namespace (spec.helm.namespace) when set. */
export function namespaceForRender(gitSync: DesiredFor, chart: boolean): string {
  const release = chart ? gitSync.spec?.helm?.namespace : undefined;
  return release ?? targetNamespaceOf(gitSync);
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
 * The objects of a revision exactly as `gitSync` applies them (see desiredObject). The objects must already carry
 * the namespaces the API server gives them (resolveObjectScopes: by API discovery, with targetNamespaceOf for
 * namespaced objects that name none). Returns copies, in the given order. The sync engine and `gitseal diff` both
 * build what they send with desiredObject, so a diff right after a sync shows no change.
 */
export function desiredObjects<T extends { object: KubeObject }>(items: readonly T[], gitSync: DesiredFor): T[] {
  const label = syncLabel(gitSync);
  return items.map((item) => ({ ...item, object: desiredObject(item.object, label) }));
}
