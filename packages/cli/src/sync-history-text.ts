import type { GitSyncView, HistoryView } from './git-sync-view.js';
import { humanAge } from './human-age.js';
import { printable } from './printable.js';
import { formatTable } from './text-table.js';

const count = (value: number | undefined): string => (value === undefined ? '-' : String(value));

function started(h: HistoryView, now: Date): string {
  return h.startedAt === undefined ? '-' : `${printable(h.startedAt)} (${humanAge(h.startedAt, now)} ago)`;
}

/**
 * `sync history`: the attempts in `status.history`, newest first, with the objects each applied with a change,
 * left unchanged and pruned (entries written before those counts existed show `-`), and the chart for chart
 * sources. The line under the table says when the GitSync is pinned by `sync rollback`.
 */
export function formatSyncHistory(view: GitSyncView, now: Date = new Date()): string {
  const title = `GitSync ${printable(view.namespace)}/${printable(view.name)}`;
  if (view.history.length === 0) return `${title}: no sync attempts recorded yet\n`;
  const charts = view.history.some((h) => h.chart !== undefined);
  const header = ['REVISION', 'RESULT', 'STARTED', 'DURATION', 'APPLIED', 'UNCHANGED', 'PRUNED'];
  const table = formatTable(
    charts ? [...header, 'CHART'] : header,
    view.history.map((h) => {
      const cells = [
        printable(h.revision),
        printable(h.result),
        started(h, now),
        printable(h.duration),
        count(h.applied),
        count(h.unchanged),
        count(h.pruned),
      ];
      return charts ? [...cells, printable(h.chart)] : cells;
    }),
  );
  const pinned =
    view.rollback === undefined
      ? ''
      : `\nPinned by gitseal sync rollback to ${printable(view.rollback)} (gitseal sync rollback ${printable(view.name)} --resume to undo)\n`;
  return `${table}${pinned}`;
}
