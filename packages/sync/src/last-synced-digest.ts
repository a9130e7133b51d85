import type { GitSyncHistoryEntry } from '@gitseal/manifests';

/**
 * The digest whose hooks have run, from a GitSync's status: that of the newest history entry that reached apply (entries without a digest
 * failed before anything was written: fetch, render, preflight), when it succeeded. Undefined when that attempt
 * failed or there is none, so a retried or reverted revision runs its hooks again.
 */
export function lastSyncedDigest(
  status: { readonly history?: readonly GitSyncHistoryEntry[] | undefined } | undefined,
): string | undefined {
  const newest = (status?.history ?? []).find((entry) => entry.digest !== undefined);
  return newest?.result === 'Succeeded' ? newest.digest : undefined;
}
