import { orderForApply, type PlannedObject } from './apply-order.js';
import { desiredObjects, type DesiredFor } from './desired-object.js';
import { buildInventory, type SyncInventoryEntry } from './inventory.js';
import type { RenderedObject } from './render.js';
import { revisionDigest } from './revision-digest.js';
import { syncLabel } from './sync-label.js';

export interface ApplyPlan {
  /** Objects in apply order, exactly as apply sends them (desiredObjects: sync label, applied digest, namespace). */
  readonly objects: readonly PlannedObject[];
  readonly inventory: readonly SyncInventoryEntry[];
  /** revisionDigest of the rendered objects (before labelling). */
  readonly digest: string;
  readonly label: string;
}

/** Everything apply needs from a preflighted revision: ordered desired objects, the inventory and the digest. */
export function planApply(rendered: readonly RenderedObject[], gitSync: DesiredFor): ApplyPlan {
  const label = syncLabel(gitSync);
  const objects = orderForApply(desiredObjects(rendered, gitSync));
  return {
    objects,
    inventory: buildInventory(objects.map((r) => r.object)),
    digest: revisionDigest(rendered),
    label,
  };
}
