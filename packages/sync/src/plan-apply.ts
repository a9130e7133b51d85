import type { GitSync, KubeObject } from '@gitseal/manifests';
import { orderForApply, type PlannedObject } from './apply-order.js';
import { buildInventory, type SyncInventoryEntry } from './inventory.js';
import type { RenderedObject } from './render.js';
import { revisionDigest } from './revision-digest.js';
import { SYNC_LABEL, syncLabel } from './sync-label.js';

export interface ApplyPlan {
  /** Objects in apply order, each carrying the sync label. */
  readonly objects: readonly PlannedObject[];
  readonly inventory: readonly SyncInventoryEntry[];
  /** revisionDigest of the rendered objects (before labelling). */
  readonly digest: string;
  readonly label: string;
}

function withLabel(object: KubeObject, label: string): KubeObject {
  const metadata = object.metadata ?? {};
  return { ...object, metadata: { ...metadata, labels: { ...metadata.labels, [SYNC_LABEL]: label } } };
}

/** Everything apply needs from a preflighted revision: ordered, labelled objects, the inventory and the digest. */
export function planApply(rendered: readonly RenderedObject[], gitSync: Pick<GitSync, 'metadata'>): ApplyPlan {
  const label = syncLabel(gitSync);
  const objects = orderForApply(rendered).map((p) => ({ ...p, object: withLabel(p.object, label) }));
  return {
    objects,
    inventory: buildInventory(rendered.map((r) => r.object)),
    digest: revisionDigest(rendered),
    label,
  };
}
