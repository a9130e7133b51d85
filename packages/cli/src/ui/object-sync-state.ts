import { UiObjectSync } from '@gitseal/manifests';
import { APPLIED_DIGEST_ANNOTATION, SYNC_LABEL } from '@gitseal/sync';

/** The field manager of the sync engine's server-side applies. */
export const SYNC_FIELD_MANAGER = 'gitseal';

/** One `metadata.managedFields` entry as raw JSON. */
export interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: string;
  readonly subresource?: string;
  readonly time?: string;
  readonly fieldsV1?: unknown;
}

/** The metadata the sync state is read from (a Secret is read as metadata only). */
export interface LiveMetadata {
  readonly metadata?: {
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly deletionTimestamp?: string;
    readonly managedFields?: readonly ManagedFieldsEntry[];
  };
}

export interface ObjectSyncState {
  readonly sync: UiObjectSync;
  readonly message?: string;
}

const MAX_MANAGERS = 3;

const timeOf = (entry: ManagedFieldsEntry): number => {
  const ms = entry.time === undefined ? Number.NaN : Date.parse(entry.time);
  return Number.isNaN(ms) ? 0 : ms;
};

/** A manager name fit for the page: printable ASCII, capped. */
const printableName = (name: string): string => name.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);

/**
 * Field managers that wrote the object (not its status) after gitseal last applied it, newest first. Times have
 * whole seconds: a write in the same second as gitseal's is not counted (a heal right after an edit would
 * otherwise look drifted until the next apply).
 */
export function writersAfterApply(entries: readonly ManagedFieldsEntry[] | undefined): string[] {
  const list = (entries ?? []).filter((e) => typeof e.manager === 'string' && e.manager !== '');
  const own = list.filter((e) => e.manager === SYNC_FIELD_MANAGER).map(timeOf);
  const since = own.length > 0 ? Math.max(...own) : Number.NEGATIVE_INFINITY;
  const names = list
    .filter((e) => e.manager !== SYNC_FIELD_MANAGER && e.subresource !== 'status' && timeOf(e) > since)
    .sort((a, b) => timeOf(b) - timeOf(a))
    .map((e) => printableName(e.manager ?? ''));
  return [...new Set(names)].slice(0, MAX_MANAGERS);
}

/**
 * In sync, drifted or missing, from the live object's metadata alone: gitseal marks every object it applies with
 * the GitSync's sync label and the applied-digest annotation and applies as field manager `gitseal`; an object
 * without those marks, or written by another manager since, has drifted from what the GitSync applied.
 */
export function objectSyncState(live: LiveMetadata | undefined, expectedLabel: string): ObjectSyncState {
  if (live === undefined) return { sync: UiObjectSync.Missing, message: 'not found in the cluster' };
  const metadata = live.metadata ?? {};
  if (metadata.deletionTimestamp !== undefined) return { sync: UiObjectSync.Drifted, message: 'being deleted' };
  const label = metadata.labels?.[SYNC_LABEL];
  if (label !== expectedLabel) {
    const message = label === undefined ? `label ${SYNC_LABEL} removed` : `labelled for GitSync ${label}`;
    return { sync: UiObjectSync.Drifted, message: printableName(message) };
  }
  if (metadata.annotations?.[APPLIED_DIGEST_ANNOTATION] === undefined) {
    return { sync: UiObjectSync.Drifted, message: `annotation ${APPLIED_DIGEST_ANNOTATION} removed` };
  }
  const writers = writersAfterApply(metadata.managedFields);
  if (writers.length > 0) return { sync: UiObjectSync.Drifted, message: `changed by ${writers.join(', ')}` };
  return { sync: UiObjectSync.InSync };
}

/** The key names of a Secret's `data`/`stringData`, read from its managedFields (metadata only, never values). */
export function secretKeyNames(entries: readonly ManagedFieldsEntry[] | undefined): string[] {
  const keys = new Set<string>();
  for (const entry of entries ?? []) {
    const fields = entry.fieldsV1;
    if (typeof fields !== 'object' || fields === null) continue;
    for (const section of ['f:data', 'f:stringData']) {
      const data = (fields as Record<string, unknown>)[section];
      if (typeof data !== 'object' || data === null) continue;
      for (const name of Object.keys(data)) if (name.startsWith('f:')) keys.add(printableName(name.slice(2)));
    }
  }
  return [...keys].sort();
}
