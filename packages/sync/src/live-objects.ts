import { KubeError, KubeErrorCode, listObjects, type makeObjectApi } from '@gitseal/kube';
import type { InventoryEntry, KubeObject } from '@gitseal/manifests';
import { inventoryId, parseInventoryEntry } from './inventory.js';
import { groupOf } from './object-ref.js';
import { SyncError, SyncErrorCode } from './sync-error.js';
import { SYNC_LABEL } from './sync-label.js';

/** The generic object client of @gitseal/kube. */
export type ObjectApi = ReturnType<typeof makeObjectApi>;

/** One list call: a kind, in one namespace (absent: cluster-scoped). */
export interface LiveScope {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
}

/**
 * The list calls that find every live object of a revision and of the previous inventory: one per kind and
 * namespace (so a tenant with namespace rights only can be served), the desired objects' API version first.
 */
export function liveScopes(desired: readonly KubeObject[], inventory: readonly InventoryEntry[]): LiveScope[] {
  const out = new Map<string, LiveScope>();
  const add = (apiVersion: string, kind: string, namespace: string | undefined): void => {
    const key = `${groupOf(apiVersion)}/${kind}/${namespace ?? ''}`;
    if (!out.has(key)) out.set(key, { apiVersion, kind, ...(namespace ? { namespace } : {}) });
  };
  for (const object of desired) add(object.apiVersion, object.kind, object.metadata?.namespace);
  for (const entry of inventory) {
    const ref = parseInventoryEntry(entry);
    if (ref) add(ref.apiVersion, ref.kind, ref.namespace);
  }
  return [...out.values()].sort((a, b) => {
    const ka = `${a.namespace ?? ''}/${a.apiVersion}/${a.kind}`;
    const kb = `${b.namespace ?? ''}/${b.apiVersion}/${b.kind}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** Live objects of a revision's scopes that some GitSync applied, split by whose they are. */
export interface LiveLabelled {
  /** Carrying this GitSync's sync label, by inventory id. */
  readonly ours: Map<string, KubeObject>;
  /** Carrying another GitSync's sync label, by inventory id. */
  readonly others: Map<string, KubeObject>;
}

/**
 * Lists the live objects carrying a sync label (one list per scope), and splits this GitSync's (`label`) from
 * other GitSyncs'. A kind the API server does not serve (yet: its CRD is in this revision) has no live objects;
 * any other failure is an error, so prune never acts on a partial picture.
 */
export async function listLiveLabelled(
  client: ObjectApi,
  scopes: readonly LiveScope[],
  label: string,
): Promise<LiveLabelled> {
  const ours = new Map<string, KubeObject>();
  const others = new Map<string, KubeObject>();
  for (const scope of scopes) {
    let items: KubeObject[];
    try {
      items = (await listObjects(client, scope, {
        ...(scope.namespace ? { namespace: scope.namespace } : {}),
        labelSelector: SYNC_LABEL,
      })) as unknown as KubeObject[];
    } catch (error) {
      if (error instanceof KubeError && (error.code === KubeErrorCode.InvalidObject || error.status === 404)) continue;
      const message = error instanceof KubeError ? error.message : `list ${scope.kind}: failed`;
      throw new SyncError(SyncErrorCode.ApplyFailed, message);
    }
    for (const item of items) {
      (item.metadata?.labels?.[SYNC_LABEL] === label ? ours : others).set(inventoryId(item), item);
    }
  }
  return { ours, others };
}
