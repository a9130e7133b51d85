import type { InventoryEntry, KubeObject } from '@gitseal/manifests';
import { groupOf } from './object-ref.js';

/** An inventory entry with its Flux-style id `<namespace>_<name>_<group>_<kind>`. */
export type SyncInventoryEntry = InventoryEntry & { readonly id: string };

/** `<namespace>_<name>_<group>_<kind>` (empty namespace for cluster-scoped objects, empty group for core). */
export function inventoryId(entry: InventoryEntry | KubeObject): string {
  if ('metadata' in entry || !('name' in entry)) {
    const object = entry as KubeObject;
    const namespace = object.metadata?.namespace ?? '';
    return `${namespace}_${object.metadata?.name ?? ''}_${groupOf(object.apiVersion)}_${object.kind}`;
  }
  return `${entry.namespace ?? ''}_${entry.name}_${groupOf(entry.apiVersion)}_${entry.kind}`;
}

export function inventoryEntry(object: KubeObject): SyncInventoryEntry {
  const namespace = object.metadata?.namespace;
  return {
    id: inventoryId(object),
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata?.name ?? '',
    ...(namespace ? { namespace } : {}),
  };
}

/** The inventory of a revision, sorted by id. */
export function buildInventory(objects: readonly KubeObject[]): SyncInventoryEntry[] {
  return objects.map(inventoryEntry).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
