import { deleteObject, KubeError, describeObject } from '@gitseal/kube';
import type { KubeObject } from '@gitseal/manifests';
import { inventoryId } from './inventory.js';
import type { ObjectApi } from './live-objects.js';
import type { PrunePlan } from './prune.js';
import { SyncError, SyncErrorCode } from './sync-error.js';

/**
 * Deletes what planPrune chose, in its order (background propagation). Returns the inventory ids deleted (an
 * object already gone counts as pruned); the first failure stops with a SyncError naming the object.
 */
export async function pruneObjects(
  client: ObjectApi,
  plan: Pick<PrunePlan, 'delete'>,
  records?: Map<string, unknown>,
): Promise<string[]> {
  const deleted: string[] = [];
  for (const object of plan.delete) {
    const name = object.metadata?.name ?? '';
    const namespace = object.metadata?.namespace;
    try {
      await deleteObject(client, {
        apiVersion: object.apiVersion,
        kind: object.kind,
        metadata: { name, ...(namespace ? { namespace } : {}) },
      });
    } catch (error) {
      const cause = error instanceof KubeError ? error.message : 'delete failed';
      throw new SyncError(SyncErrorCode.PruneFailed, `prune ${describeObject(object as KubeObject)}: ${cause}`);
    }
    const id = inventoryId(object);
    records?.delete(id);
    deleted.push(id);
  }
  return deleted;
}
