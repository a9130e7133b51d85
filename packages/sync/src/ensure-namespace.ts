import { KubeError, readObject, type Applier } from '@gitseal/kube';
import type { KubeObject } from '@gitseal/manifests';
import type { ObjectApi } from './live-objects.js';
import { SyncError, SyncErrorCode } from './sync-error.js';

/** Annotation on a Namespace that spec.createNamespace created: the sync label value of the GitSync. */
export const CREATED_BY_ANNOTATION = 'gitseal.dev/created-by';

export interface EnsureNamespaceInput {
  /** The GitSync's own applier: a tenant creates only what its account may. */
  readonly applier: Applier;
  readonly reader: ObjectApi;
  /** spec.targetNamespace; nothing to do without one (the GitSync's own namespace exists). */
  readonly namespace?: string;
  /** spec.createNamespace. */
  readonly create: boolean;
  /** The revision defines this Namespace itself (it is applied with the CRDs and Namespaces). */
  readonly definedInRevision: boolean;
  /** The sync label value of the GitSync, recorded on a created Namespace. */
  readonly label: string;
}

/**
 * Makes sure spec.targetNamespace exists before anything is written: creates it (server-side apply as the GitSync's
 * identity) with spec.createNamespace, else fails with a clear ApplyFailed. A Namespace the GitSync may not read is
 * left to the API server to report. Returns true when it created the Namespace. Nothing is ever pruned here: the
 * Namespace is not in the inventory.
 */
export async function ensureTargetNamespace(input: EnsureNamespaceInput): Promise<boolean> {
  const name = input.namespace;
  if (!name || input.definedInRevision) return false;
  const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
  try {
    if (await readObject(input.reader, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })) return false;
  } catch (error) {
    if (error instanceof KubeError && error.status === 403) return false;
    throw new SyncError(
      SyncErrorCode.ApplyFailed,
      `spec.targetNamespace ${name}: ${error instanceof KubeError ? error.message : 'read failed'}`,
    );
  }
  if (!input.create) {
    throw new SyncError(
      SyncErrorCode.ApplyFailed,
      `spec.targetNamespace ${name}: Namespace not found (create it, or set spec.createNamespace: true)`,
    );
  }
  try {
    await input.applier.apply({
      ...namespace,
      metadata: { name, annotations: { [CREATED_BY_ANNOTATION]: input.label } },
    });
  } catch (error) {
    const cause = error instanceof KubeError ? error.message : 'create failed';
    throw new SyncError(SyncErrorCode.ApplyFailed, `spec.createNamespace: ${cause}`);
  }
  return true;
}
