import type { ApiDiscovery } from '@gitseal/kube';
import type { InventoryEntry } from '@gitseal/manifests';
import { inventoryEntry, parseInventoryEntry } from './inventory.js';

/**
 * Inventory entries with the namespace the API server gives their kind: an entry of a cluster-scoped kind that
 * carries a namespace (recorded before scopes came from discovery) loses it, so prune finds the object. Entries of
 * kinds discovery does not know are kept as they are; malformed ones too (prune ignores them).
 */
export async function normalizeInventory(
  entries: readonly InventoryEntry[],
  discovery: ApiDiscovery,
): Promise<InventoryEntry[]> {
  const out: InventoryEntry[] = [];
  for (const entry of entries) {
    const ref = parseInventoryEntry(entry);
    if (!ref?.namespace) {
      out.push(entry);
      continue;
    }
    const served = await discovery.resource(ref.apiVersion, ref.kind).catch(() => undefined);
    if (served && !served.namespaced) {
      out.push(inventoryEntry({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name } }));
    } else out.push(entry);
  }
  return out;
}
