import type { UiGitSyncSummary } from '@gitseal/manifests';

export interface OverviewFilter {
  readonly namespace: string;
  /** A state, `Suspended`, or '' for all. */
  readonly status: string;
  readonly text: string;
}

export const STATES = ['Ready', 'Reconciling', 'Stalled', 'Failed', 'Unknown'] as const;

export function matches(item: UiGitSyncSummary, filter: OverviewFilter): boolean {
  if (filter.namespace !== '' && item.namespace !== filter.namespace) return false;
  if (filter.status === 'Suspended' ? !item.suspended : filter.status !== '' && item.state !== filter.status) {
    return false;
  }
  const text = filter.text.trim().toLowerCase();
  if (text === '') return true;
  return [item.name, item.namespace, item.reason, item.message, item.sourceUrl, item.shortRevision]
    .filter((v): v is string => v !== undefined)
    .some((v) => v.toLowerCase().includes(text));
}

/** How many GitSyncs are in each state, and how many are suspended. */
export function countStates(items: readonly UiGitSyncSummary[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries([...STATES, 'Suspended'].map((s) => [s, 0]));
  for (const item of items) {
    counts[item.state] = (counts[item.state] ?? 0) + 1;
    if (item.suspended) counts['Suspended'] = (counts['Suspended'] ?? 0) + 1;
  }
  return counts;
}
