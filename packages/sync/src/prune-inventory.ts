import type { GitSync, InventoryEntry } from '@gitseal/manifests';
import { listLiveLabelled, liveScopes, type ObjectApi } from './live-objects.js';
import { planPrune, type PrunePlan } from './prune.js';
import { pruneObjects } from './prune-objects.js';
import { syncLabel } from './sync-label.js';
import { inventoryInScope, type TenancyScope } from './tenancy-scope.js';

export interface PruneInventoryInput {
  readonly gitSync: Pick<GitSync, 'metadata'>;
  /** The inventory of the GitSync's last successful sync (status.inventory.entries). */
  readonly inventory: readonly InventoryEntry[];
  /** Deletes with this (impersonating the GitSync's ServiceAccount when it has one). */
  readonly client: ObjectApi;
  /** Lists live objects with this: the same identity as the deletes for a tenant GitSync. */
  readonly reader: ObjectApi;
  /** Where the GitSync may write: inventory entries outside it are never deleted. Absent: no tenancy rules. */
  readonly tenancy?: TenancyScope;
}

export interface PruneInventoryResult {
  /** Inventory ids deleted. */
  readonly pruned: readonly string[];
  readonly skipped: PrunePlan['skipped'];
}

/**
 * Deletes everything a GitSync applied, for its deletion (`spec.prune`): the objects of its inventory (within its
 * tenancy scope) that are still live with its sync label, by the same rules as prune after a sync — objects
 * annotated `gitseal.dev/prune: "false"`/`"disabled"` are kept, Namespaces and PVCs only go when annotated
 * `"true"`, objects another GitSync took over are left. Throws a SyncError (PruneFailed, ApplyFailed for a
 * failed list) naming the object.
 */
export async function pruneInventory(input: PruneInventoryInput): Promise<PruneInventoryResult> {
  const inventory = input.tenancy ? inventoryInScope(input.inventory, input.tenancy) : input.inventory;
  const label = syncLabel(input.gitSync);
  const { ours } = await listLiveLabelled(input.reader, liveScopes([], inventory), label);
  const plan = planPrune({ inventory, desired: [], liveLabelled: [...ours.values()], label, allowEmpty: true });
  const pruned = await pruneObjects(input.client, plan);
  return { pruned, skipped: plan.skipped };
}
