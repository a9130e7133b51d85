import { describeObject } from '@gitseal/kube';
import type { KubeObject } from '@gitseal/manifests';
import type { PlannedObject } from './apply-order.js';
import { inventoryId } from './inventory.js';
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

/** The field manager the sync engine applies with (every GitSync: SSA keeps one field set per manager). */
const ENGINE_MANAGER = 'gitseal';
const TAKEOVER_FIELD = `f:${TAKEOVER_ANNOTATION}`;

interface ManagedEntry {
  readonly manager?: string;
  readonly operation?: string;
  readonly time?: unknown;
  readonly fieldsV1?: unknown;
}

const isTakeover = (object: KubeObject | undefined): boolean =>
  object?.metadata?.annotations?.[TAKEOVER_ANNOTATION] === 'true';

function managedEntries(live: KubeObject): readonly ManagedEntry[] | undefined {
  const entries = (live.metadata as { managedFields?: unknown } | undefined)?.managedFields;
  return Array.isArray(entries) ? (entries as ManagedEntry[]) : undefined;
}

function ownsTakeover(entry: ManagedEntry): boolean {
  const fields = entry.fieldsV1 as Record<string, Record<string, Record<string, unknown>>> | undefined;
  return fields?.['f:metadata']?.['f:annotations']?.[TAKEOVER_FIELD] !== undefined;
}

const timeOf = (entry: ManagedEntry): number => {
  const time = entry.time instanceof Date ? entry.time.getTime() : Date.parse(String(entry.time ?? ''));
  return Number.isNaN(time) ? 0 : time;
};

const isEngine = (entry: ManagedEntry): boolean => entry.manager === ENGINE_MANAGER && entry.operation === 'Apply';

/**
 * Who put `gitseal.dev/takeover: "true"` on the live object: the owner's own manifest (`fromGit`: applied by the
 * engine), and/or someone by hand (`byHandAfterApply`: another field manager, after the owner's last apply, so it
 * hands the object over once and not again after the next owner applied it). Without managedFields (not served)
 * the annotation counts as set by hand.
 */
function liveTakeover(live: KubeObject): { fromGit: boolean; byHandAfterApply: boolean } {
  if (!isTakeover(live)) return { fromGit: false, byHandAfterApply: false };
  const entries = managedEntries(live);
  if (entries === undefined || entries.length === 0) return { fromGit: false, byHandAfterApply: true };
  const lastApply = Math.max(0, ...entries.filter(isEngine).map(timeOf));
  const owners = entries.filter(ownsTakeover);
  return {
    fromGit: owners.some(isEngine),
    byHandAfterApply: owners.some((e) => !isEngine(e) && timeOf(e) > lastApply),
  };
}

/** Why taking `live` over is refused, or undefined when it may be taken over. */
function refusal(item: PlannedObject, live: KubeObject): 'owned' | 'both-claim' | undefined {
  const byLive = liveTakeover(live);
  if (byLive.byHandAfterApply) return undefined;
  if (!isTakeover(item.object)) return 'owned';
  // Both manifests claim it: whoever took it last would lose it at the other's next sync, forever.
  return byLive.fromGit ? 'both-claim' : undefined;
}

/**
 * Refuses (SyncError OwnershipConflict) a revision that would take objects over from another GitSync that still
 * exists, so two GitSyncs rendering the same object never overwrite each other at every sync. Taking over is fine
 * when the other GitSync is gone; when the object in Git carries `gitseal.dev/takeover: "true"` and the owner's
 * manifest does not; or when someone annotated the live object so by hand after its owner's last apply (a one-time
 * handover: once the new owner applied it, the old one cannot take it back with the same annotation). The message
 * names the other GitSync only when it lives in the same namespace as this one (its author can see those);
 * otherwise it says "a GitSync in another namespace".
 */
export function checkOwnership(input: OwnershipInput): void {
  const conflicts: string[] = [];
  for (const item of input.objects) {
    const live = input.others.get(inventoryId(item.object));
    const label = live?.metadata?.labels?.[SYNC_LABEL];
    if (!live || typeof label !== 'string') continue;
    const why = refusal(item, live);
    if (why === undefined) continue;
    const owner = input.ownerOf(label);
    if (!owner) continue;
    const who =
      owner.namespace === input.namespace
        ? `GitSync ${owner.namespace}/${owner.name}`
        : 'a GitSync in another namespace';
    const fix =
      why === 'both-claim'
        ? `whose manifest carries ${TAKEOVER_ANNOTATION}: "true" too (remove it from one of them)`
        : `(remove it there, or annotate it ${TAKEOVER_ANNOTATION}: "true" to take it over)`;
    conflicts.push(`${item.source}: ${describeObject(item.object)}: already applied by ${who} ${fix}`);
  }
  if (conflicts.length === 0) return;
  const more = conflicts.length > 1 ? ` (and ${conflicts.length - 1} more)` : '';
  throw new SyncError(SyncErrorCode.OwnershipConflict, `${conflicts[0]}${more}`);
}
