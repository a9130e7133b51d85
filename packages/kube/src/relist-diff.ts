import type { KubernetesObject } from '@kubernetes/client-node';

export interface RelistChanges<T> {
  readonly added: readonly T[];
  readonly updated: ReadonlyArray<{ readonly previous: T; readonly current: T }>;
  readonly deleted: readonly T[];
}

/**
 * What changed between the cache and a fresh list, both keyed by `namespace/name`: objects only in the list are
 * added, objects only in the cache were deleted (the watch missed it), and objects in both are updated when their
 * resourceVersion differs.
 */
export function diffRelist<T extends KubernetesObject>(
  previous: ReadonlyMap<string, T>,
  current: ReadonlyMap<string, T>,
): RelistChanges<T> {
  const added: T[] = [];
  const updated: Array<{ previous: T; current: T }> = [];
  const deleted: T[] = [];
  for (const [key, object] of current) {
    const old = previous.get(key);
    if (old === undefined) added.push(object);
    else if (old.metadata?.resourceVersion !== object.metadata?.resourceVersion) {
      updated.push({ previous: old, current: object });
    }
  }
  for (const [key, object] of previous) {
    if (!current.has(key)) deleted.push(object);
  }
  return { added, updated, deleted };
}
