import type { InventoryEntry, KubeObject } from '@gitseal/manifests';
import { applyTierOf } from './apply-order.js';
import { inventoryId } from './inventory.js';
import { groupOf } from './object-ref.js';
import { PRUNE_ANNOTATION, SYNC_LABEL } from './sync-label.js';

export const PruneSkipReason = {
  /** Not found among the live objects carrying the sync label (gone, or the label was removed). */
  NotLive: 'NotLive',
  /** Carries the sync label of another GitSync. */
  OtherOwner: 'OtherOwner',
  /** A Namespace or PersistentVolumeClaim without `gitseal.dev/prune: "true"`. */
  Protected: 'Protected',
  /** Annotated `gitseal.dev/prune: "false"` (or `"disabled"`, Flux's spelling). */
  Disabled: 'Disabled',
  /** The revision renders no objects and allowEmpty is off. */
  EmptyRevision: 'EmptyRevision',
} as const;
export type PruneSkipReason = (typeof PruneSkipReason)[keyof typeof PruneSkipReason];

export interface PlanPruneInput {
  /** The previous revision's inventory. */
  inventory: readonly InventoryEntry[];
  /** The objects of the revision being applied. */
  desired: readonly (KubeObject | { object: KubeObject })[];
  /** Live objects listed with the sync label selector (their labels are checked again here). */
  liveLabelled: readonly KubeObject[];
  /** The sync label value of this GitSync (syncLabel). */
  label: string;
  allowEmpty?: boolean;
}

export interface PrunePlan {
  /** Live objects to delete, in reverse apply order (workloads first, CRDs last). */
  readonly delete: readonly KubeObject[];
  readonly skipped: readonly { readonly id: string; readonly reason: PruneSkipReason }[];
}

const PROTECTED = new Set(['/Namespace', '/PersistentVolumeClaim']);

function skipReason(live: KubeObject, label: string): PruneSkipReason | undefined {
  if (live.metadata?.labels?.[SYNC_LABEL] !== label) return PruneSkipReason.OtherOwner;
  const prune = live.metadata?.annotations?.[PRUNE_ANNOTATION];
  if (prune === 'false' || prune === 'disabled') return PruneSkipReason.Disabled;
  if (PROTECTED.has(`${groupOf(live.apiVersion)}/${live.kind}`) && prune !== 'true') return PruneSkipReason.Protected;
  return undefined;
}

/**
 * Which objects to delete after applying a revision: those in the previous inventory, not desired now, still
 * live with this GitSync's sync label. Namespaces and PVCs only when annotated `gitseal.dev/prune: "true"`;
 * an empty revision prunes nothing unless allowEmpty.
 */
export function planPrune(input: PlanPruneInput): PrunePlan {
  const ids = input.inventory.map((entry) => inventoryId(entry));
  if (input.desired.length === 0 && !input.allowEmpty) {
    return { delete: [], skipped: ids.map((id) => ({ id, reason: PruneSkipReason.EmptyRevision })) };
  }
  const desired = new Set(input.desired.map((d) => inventoryId('apiVersion' in d ? d : d.object)));
  const live = new Map(input.liveLabelled.map((o) => [inventoryId(o), o]));
  const doomed: KubeObject[] = [];
  const skipped: { id: string; reason: PruneSkipReason }[] = [];
  for (const id of new Set(ids)) {
    if (desired.has(id)) continue;
    const object = live.get(id);
    const reason = object ? skipReason(object, input.label) : PruneSkipReason.NotLive;
    if (reason !== undefined || !object) skipped.push({ id, reason: reason ?? PruneSkipReason.NotLive });
    else doomed.push(object);
  }
  const order = doomed.map((object, position) => ({ object, position, tier: applyTierOf(object) }));
  order.sort((a, b) => b.tier - a.tier || a.position - b.position);
  return { delete: order.map((o) => o.object), skipped };
}
