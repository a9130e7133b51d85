import type { UiResource } from '@gitseal/manifests';
import { printable } from './printable.js';
import { formatTable } from './text-table.js';

/** The objects of a tree, flattened: wave (unset is 0), then kind, namespace and name. */
export function sortTree(resources: readonly UiResource[]): UiResource[] {
  const key = (r: UiResource): string => `${r.kind}\u0000${r.namespace ?? ''}\u0000${r.name}`;
  return [...resources].sort((a, b) => (a.wave ?? 0) - (b.wave ?? 0) || key(a).localeCompare(key(b)));
}

function message(r: UiResource): string {
  // A Current object's health message says only why it is (e.g. "nothing to wait for").
  const health = r.health === 'Current' ? undefined : r.healthMessage;
  const parts = [r.syncMessage, health].filter((m): m is string => m !== undefined && m !== '');
  return parts.length === 0 ? '' : printable(parts.join('; '), 300);
}

/**
 * `sync tree`: one line of totals, then each inventoried object with its sync state (InSync, Drifted, Missing,
 * Unknown when it may not be read) and health, in wave order with a WAVE column when any object sets a wave.
 */
export function formatSyncTree(title: string, resources: readonly UiResource[]): string {
  const count = (sync: string): number => resources.filter((r) => r.sync === sync).length;
  const totals =
    `${title}: ${resources.length} object(s): ${count('InSync')} in sync, ${count('Drifted')} drifted, ` +
    `${count('Missing')} missing${count('Unknown') > 0 ? `, ${count('Unknown')} unknown` : ''}\n`;
  if (resources.length === 0) return totals;
  const waves = resources.some((r) => (r.wave ?? 0) !== 0);
  const header = ['KIND', 'NAMESPACE', 'NAME', 'SYNC', 'HEALTH', 'MESSAGE'];
  const rows = sortTree(resources).map((r) => {
    const cells = [
      printable(r.kind),
      printable(r.namespace ?? '-'),
      printable(r.name, 253),
      r.sync,
      r.health,
      message(r),
    ];
    return waves ? [String(r.wave ?? 0), ...cells] : cells;
  });
  return `${totals}${formatTable(waves ? ['WAVE', ...header] : header, rows)}`;
}
