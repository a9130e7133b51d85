/** One `metadata.managedFields` entry, as the API server sends it (times are RFC 3339 strings in raw JSON). */
export interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: string;
  readonly subresource?: string;
  readonly time?: string | Date;
  readonly fieldsV1?: unknown;
}

/** Longest manager name reported; the API server allows 128 characters. */
const MAX_NAME = 128;
/** At most this many names: an object can carry many entries. */
const MAX_NAMES = 5;

function timeOf(entry: ManagedFieldsEntry): number {
  const ms = entry.time === undefined ? Number.NaN : new Date(entry.time).getTime();
  return Number.isNaN(ms) ? 0 : ms;
}

/** A manager name fit for a log field or an Event message: printable ASCII only, no quotes, capped. */
function printable(name: string): string {
  const cleaned = name.replace(/[^\x21-\x7e]|["'`\\]/g, '?');
  return cleaned.length > MAX_NAME ? `${cleaned.slice(0, MAX_NAME - 1)}…` : cleaned;
}

function sameEntry(a: ManagedFieldsEntry, b: ManagedFieldsEntry): boolean {
  return (
    a.manager === b.manager &&
    a.operation === b.operation &&
    a.subresource === b.subresource &&
    timeOf(a) === timeOf(b) &&
    JSON.stringify(a.fieldsV1) === JSON.stringify(b.fieldsV1)
  );
}

/**
 * Who wrote an object since `self` last did, from its managedFields, newest first. With `baseline` (the entries of
 * the object as `self` last wrote it): every other manager whose entry is new or changed since. Without it: the
 * managers whose entries are at least as new as `self`'s newest entry (every manager when `self` has none); the
 * times have whole seconds, so a write in the same second as ours counts. Empty when nobody else wrote, or when the
 * writer used `self`'s name or stripped managedFields.
 */
export function changedBy(
  managedFields: readonly ManagedFieldsEntry[] | undefined,
  self: string,
  baseline?: readonly ManagedFieldsEntry[],
): string[] {
  const entries = (managedFields ?? []).filter((e) => e.manager !== undefined && e.manager !== '');
  const own = entries.filter((e) => e.manager === self).map(timeOf);
  const since = own.length > 0 ? Math.max(...own) : Number.NEGATIVE_INFINITY;
  const changed = (e: ManagedFieldsEntry): boolean =>
    baseline === undefined ? timeOf(e) >= since : !baseline.some((b) => sameEntry(b, e));
  const others = entries
    .filter((e) => e.manager !== self && changed(e))
    .sort((a, b) => timeOf(b) - timeOf(a))
    .map((e) => printable(e.manager ?? ''));
  return [...new Set(others)].slice(0, MAX_NAMES);
}
