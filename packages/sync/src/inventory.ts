import type { InventoryEntry, KubeObject } from '@gitseal/manifests';
import { groupOf } from './object-ref.js';

/** An inventory entry as the GitSync CRD stores it: `{id, v}`. */
export type SyncInventoryEntry = InventoryEntry;

/** What an inventory entry identifies, with the API version it was applied with. */
export interface InventoryObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Absent for cluster-scoped objects. */
  readonly namespace?: string;
}

const isEntry = (value: InventoryEntry | KubeObject | InventoryObject): value is InventoryEntry =>
  'id' in value && 'v' in value && typeof value.id === 'string';

/** `<namespace>_<name>_<group>_<kind>` (empty namespace for cluster-scoped objects, empty group for core). */
export function inventoryId(entry: InventoryEntry | KubeObject | InventoryObject): string {
  if (isEntry(entry)) return entry.id;
  if ('metadata' in entry || !('name' in entry)) {
    const object = entry as KubeObject;
    const namespace = object.metadata?.namespace ?? '';
    return `${namespace}_${object.metadata?.name ?? ''}_${groupOf(object.apiVersion)}_${object.kind}`;
  }
  const ref = entry as InventoryObject;
  return `${ref.namespace ?? ''}_${ref.name}_${groupOf(ref.apiVersion)}_${ref.kind}`;
}

export function inventoryEntry(object: KubeObject): SyncInventoryEntry {
  return { id: inventoryId(object), v: object.apiVersion };
}

/**
 * Reads an entry back into the object it names; undefined when the id is malformed. Names, namespaces, groups and
 * kinds hold no `_`, so the id splits into exactly four parts.
 */
export function parseInventoryEntry(entry: InventoryEntry): InventoryObject | undefined {
  const parts = entry.id.split('_');
  if (parts.length !== 4) return undefined;
  const [namespace = '', name = '', group = '', kind = ''] = parts;
  if (name === '' || kind === '' || groupOf(entry.v) !== group) return undefined;
  return { apiVersion: entry.v, kind, name, ...(namespace ? { namespace } : {}) };
}

/** The inventory of a revision, sorted by id. */
export function buildInventory(objects: readonly KubeObject[]): SyncInventoryEntry[] {
  return objects.map(inventoryEntry).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
