import type { KubeObject } from '@gitseal/manifests';
import type { PlannedObject } from './apply-order.js';
import { inventoryId } from './inventory.js';
import { describeRef } from './object-ref.js';
import { SyncError, SyncErrorCode } from './sync-error.js';
import { SYNC_LABEL } from './sync-label.js';

/** `"true"` on an object (in Git or live) lets a GitSync take it over from the GitSync that applied it. */
export const TAKEOVER_ANNOTATION = 'gitseal.dev/takeover';

/** A GitSync that applied an object, as far as the caller may name it. */
export interface OwningGitSync {
  readonly namespace: string;
  readonly name: string;
}

export interface OwnershipInput {
  /** The revision's objects, labelled for this GitSync (planApply). */
  readonly objects: readonly PlannedObject[];
  /** Live objects carrying another GitSync's sync label, by inventory id (listLiveLabelled). */
  readonly others: ReadonlyMap<string, KubeObject>;
  /** The GitSync that carries a sync label value, or undefined when no such GitSync exists any more. */
  readonly ownerOf: (label: string) => OwningGitSync | undefined;
  /** The namespace of the GitSync being synced: owners elsewhere are not named to it. */
  readonly namespace: string;
}

function takeoverAllowed(object: KubeObject | undefined): boolean {
  return object?.metadata?.annotations?.[TAKEOVER_ANNOTATION] === 'true';
}

/**
 * Refuses (SyncError OwnershipConflict) a revision that would silently take objects over from another GitSync
 * that still exists. Taking over is fine when the other GitSync is gone, or when the object in Git or the live
 * one carries `gitseal.dev/takeover: "true"`. The message names the other GitSync only when it lives in the same
 * namespace as this one (its author can see those); otherwise it says "a GitSync in another namespace".
 */
export function checkOwnership(input: OwnershipInput): void {
  const conflicts: string[] = [];
  for (const item of input.objects) {
    const live = input.others.get(inventoryId(item.object));
    const label = live?.metadata?.labels?.[SYNC_LABEL];
    if (!live || typeof label !== 'string') continue;
    if (takeoverAllowed(item.object) || takeoverAllowed(live)) continue;
    const owner = input.ownerOf(label);
    if (!owner) continue;
    const who =
      owner.namespace === input.namespace
        ? `GitSync ${owner.namespace}/${owner.name}`
        : 'a GitSync in another namespace';
    conflicts.push(
      `${item.source}: ${describeRef(item.object)}: already applied by ${who} (remove it there, or annotate it ${TAKEOVER_ANNOTATION}: "true" to take it over)`,
    );
  }
  if (conflicts.length === 0) return;
  const more = conflicts.length > 1 ? ` (and ${conflicts.length - 1} more)` : '';
  throw new SyncError(SyncErrorCode.OwnershipConflict, `${conflicts[0]}${more}`);
}
