import type { GitSync } from '@gitseal/manifests';
import type { IdentityDecision } from './git-sync-identity.js';

/** On every GitSync the controller syncs: its deletion waits until what it applied is pruned (spec.prune). */
export const GIT_SYNC_FINALIZER = 'gitseal.dev/finalizer';

type Meta = Pick<GitSync, 'metadata'>;

export function hasFinalizer(gitSync: Meta): boolean {
  return (gitSync.metadata.finalizers ?? []).includes(GIT_SYNC_FINALIZER);
}

/**
 * A JSON merge patch that adds (or removes) the finalizer, guarded by the resourceVersion (409 when the GitSync
 * changed meanwhile, so another finalizer added at the same time is never lost); undefined when nothing changes.
 */
export function finalizerPatch(gitSync: Meta, add: boolean): Record<string, unknown> | undefined {
  const current = gitSync.metadata.finalizers ?? [];
  if (current.includes(GIT_SYNC_FINALIZER) === add) return undefined;
  const finalizers = add ? [...current, GIT_SYNC_FINALIZER] : current.filter((f) => f !== GIT_SYNC_FINALIZER);
  const resourceVersion = gitSync.metadata.resourceVersion;
  return { metadata: { finalizers, ...(resourceVersion === undefined ? {} : { resourceVersion }) } };
}

/** What the cluster says about a deleted GitSync's surroundings (read by the reconciler). */
export interface DeletionFacts {
  /** Who it acts as, or why tenancy rules refuse it. */
  readonly identity: IdentityDecision;
  /** Its namespace carries a deletionTimestamp (or is gone). */
  readonly namespaceTerminating: boolean;
  /** Its ServiceAccount (when it acts as one) no longer exists. */
  readonly serviceAccountGone: boolean;
}

export type DeletionPlan = { readonly prune: true } | { readonly prune: false; readonly why: string };

/**
 * Whether deleting a GitSync prunes what it applied: only with spec.prune, not suspended, allowed by the tenancy
 * rules, and with a way to act as it (its ServiceAccount exists, its namespace is not being deleted: the
 * namespace's objects go with the namespace). In every other case the finalizer is removed without pruning.
 */
export function planDeletion(gitSync: Pick<GitSync, 'spec'>, facts: DeletionFacts): DeletionPlan {
  if (gitSync.spec.prune === false) return { prune: false, why: 'spec.prune is false' };
  if (gitSync.spec.suspend === true) return { prune: false, why: 'it is suspended' };
  if (!facts.identity.ok) return { prune: false, why: `refused by tenancy rules (${facts.identity.reason})` };
  if (facts.namespaceTerminating) return { prune: false, why: 'its namespace is being deleted' };
  if (facts.serviceAccountGone && facts.identity.identity.kind === 'serviceAccount') {
    const { namespace, name } = facts.identity.identity;
    return { prune: false, why: `its ServiceAccount ${namespace}/${name} is gone` };
  }
  return { prune: true };
}
