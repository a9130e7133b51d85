import { canonicalJson } from '@gitseal/manifests';

type Json = unknown;

const isObject = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The one rule for whether a status write is needed, shared by every reconciler: statuses are written as JSON merge
 * patches (RFC 7386), so a write is needed exactly when applying `patch` to `current` would change it — a null
 * removes a field, objects merge key by key, anything else (arrays included: conditions, history) is replaced
 * whole and compared canonically (key order aside). Fields of `current` the patch does not name stay as they are.
 */
export function statusPatchChangesNothing(current: Json, patch: Json): boolean {
  if (!isObject(patch)) return canonicalJson(current ?? null) === canonicalJson(patch);
  const base = isObject(current) ? current : undefined;
  if (base === undefined) return Object.values(patch).every((value) => value === null);
  return Object.entries(patch).every(([key, value]) => {
    if (value === null) return !(key in base) || base[key] === null;
    if (isObject(value)) return statusPatchChangesNothing(base[key], value);
    return key in base && canonicalJson(base[key]) === canonicalJson(value);
  });
}
