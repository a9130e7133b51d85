import type { GitSync, InventoryEntry } from '@gitseal/manifests';
import type { NotifyEvent, ObjectRef } from '@gitseal/notify';
import { parseInventoryEntry, SyncReason, type SyncRevisionResult } from '@gitseal/sync';
import type { Drift } from './git-sync-watch.js';
import { GitSyncCondition, type GitSyncStatusView } from './git-sync-status.js';

/** What a sync started from: the GitSync as read, and its inventory before the run. */
export interface SyncStart {
  readonly gitSync: GitSync;
  readonly inventory: readonly InventoryEntry[];
  readonly pending: readonly InventoryEntry[];
}

function refOf(entry: InventoryEntry): ObjectRef | undefined {
  const parsed = parseInventoryEntry(entry);
  if (!parsed) return undefined;
  return { kind: parsed.kind, ...(parsed.namespace ? { namespace: parsed.namespace } : {}), name: parsed.name };
}

/** What the run pruned: the objects it started with that its inventory no longer holds. */
function prunedObjects(start: SyncStart, result: SyncRevisionResult): ObjectRef[] {
  const kept = new Set(result.inventory.map((e) => e.id));
  const seen = new Set<string>();
  const out: ObjectRef[] = [];
  for (const entry of [...start.inventory, ...start.pending]) {
    if (kept.has(entry.id) || seen.has(entry.id)) continue;
    seen.add(entry.id);
    const ref = refOf(entry);
    if (ref) out.push(ref);
  }
  return out;
}

/** `<source>: Kind ns/name: already applied by …`: the object another GitSync holds, when the message names it. */
function conflictTarget(message: string | undefined): ObjectRef | undefined {
  const match = /: ([A-Za-z][A-Za-z0-9]*) (?:([a-z0-9][-a-z0-9]*)\/)?([^\s:/]+): already applied by /.exec(
    message ?? '',
  );
  if (!match) return undefined;
  return { kind: match[1] ?? '', ...(match[2] ? { namespace: match[2] } : {}), name: match[3] ?? '' };
}

/** Whether a finished sync put drift back: it succeeded, or undid drift to the last applied revision. */
export function putDriftBack(result: SyncRevisionResult): boolean {
  return result.result === 'Succeeded' || (result.healed !== undefined && result.healed.failed === undefined);
}

/**
 * The notifications one finished sync makes, following the same rules as its Events: a success when it applied a
 * new revision or recovered (a no-op resync or a drift heal of the same revision says nothing more than its
 * DriftCorrected), what it pruned, a failure once per new reason or message, and each drift it put back.
 */
export function syncAnnouncements(
  start: SyncStart,
  result: SyncRevisionResult,
  drifts: readonly Drift[],
): NotifyEvent[] {
  const { gitSync } = start;
  const object: ObjectRef = {
    kind: 'GitSync',
    namespace: gitSync.metadata.namespace ?? 'default',
    name: gitSync.metadata.name,
  };
  const about: About = { object, ...(result.revision === '' ? {} : { revision: result.revision }) };
  const outcome = result.result === 'Succeeded' ? succeeded(start, result, about) : failed(start, result, about);
  if (!putDriftBack(result)) return outcome;
  const healed = result.result === 'Succeeded' ? about : { object, revision: result.healed?.revision ?? '' };
  return [
    ...outcome,
    ...drifts.map((d): NotifyEvent => ({ kind: 'DriftCorrected', ...healed, target: d.target, fields: d.fields })),
  ];
}

/** The GitSync and revision every event of one sync is about. */
interface About {
  readonly object: ObjectRef;
  readonly revision?: string;
}

function readyBefore(gitSync: GitSync) {
  return (gitSync.status as GitSyncStatusView | undefined)?.conditions?.find((c) => c.type === GitSyncCondition.Ready);
}

function succeeded(start: SyncStart, result: SyncRevisionResult, about: About): NotifyEvent[] {
  const { gitSync } = start;
  const status = gitSync.status as GitSyncStatusView | undefined;
  const events: NotifyEvent[] = [];
  const wasSettled =
    readyBefore(gitSync)?.status === 'True' && status?.observedGeneration === gitSync.metadata.generation;
  if (!wasSettled || result.revision !== status?.lastAppliedRevision) {
    const counts = { changed: result.applied, unchanged: result.unchanged, pruned: result.pruned };
    events.push({ kind: 'SyncSucceeded', ...about, ...counts });
  }
  const pruned = result.pruned > 0 ? prunedObjects(start, result) : [];
  if (pruned.length > 0) events.push({ kind: 'Pruned', ...about, objects: pruned });
  return events;
}

function failed(start: SyncStart, result: SyncRevisionResult, about: About): NotifyEvent[] {
  const reason = result.reason ?? SyncReason.ApplyFailed;
  const message = result.message ?? 'sync failed';
  const previous = readyBefore(start.gitSync);
  if (previous?.status === 'False' && previous.reason === reason && previous.message === message) return [];
  const target = reason === SyncReason.OwnershipConflict ? conflictTarget(message) : undefined;
  return [
    { kind: 'SyncFailed', ...about, reason, message },
    ...(target ? [{ kind: 'OwnershipConflict' as const, ...about, target }] : []),
  ];
}
