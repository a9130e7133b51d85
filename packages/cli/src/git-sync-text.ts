import { humanAge } from './human-age.js';
import type { GitSyncView } from './git-sync-view.js';
import { readyConditionOf, readyOf } from './git-sync-view.js';
import { printable } from './printable.js';
import { formatTable } from './text-table.js';

const LIST_HEADER = ['NAMESPACE', 'NAME', 'READY', 'REASON', 'REVISION', 'AGE', 'SUSPENDED', 'MESSAGE'];

/** The narrowest MESSAGE column a terminal width cuts to. */
const MIN_MESSAGE_CHARS = 20;

/** GitSyncs sorted by namespace, then name (the order `sync list` prints, in every format). */
export function sortGitSyncs(views: readonly GitSyncView[]): GitSyncView[] {
  return [...views].sort((a, b) =>
    a.namespace === b.namespace ? (a.name < b.name ? -1 : 1) : a.namespace < b.namespace ? -1 : 1,
  );
}

/**
 * `sync list`: one row per GitSync, sorted by namespace then name; REASON and MESSAGE are the Ready condition's.
 * With `width` (a terminal's columns), MESSAGE is cut with `…` so each row fits, as `flux get` does; without it
 * (a pipe, a file), the whole message is printed.
 */
export function formatGitSyncList(views: readonly GitSyncView[], now: Date = new Date(), width?: number): string {
  const rows = sortGitSyncs(views).map((v) => {
    const ready = readyConditionOf(v);
    return [
      printable(v.namespace),
      printable(v.name),
      printable(readyOf(v)),
      printable(ready?.reason),
      `${printable(v.lastAppliedRevision)}${v.rollback === undefined ? '' : ' (pinned)'}`,
      humanAge(v.createdAt, now),
      v.suspended ? 'true' : 'false',
      printable(ready?.message, 2000),
    ];
  });
  if (width === undefined) return formatTable(LIST_HEADER, rows);
  const before = formatTable(
    LIST_HEADER.slice(0, -1),
    rows.map((row) => row.slice(0, -1)),
  )
    .split('\n')
    .reduce((widest, line) => Math.max(widest, [...line].length), 0);
  const room = Math.max(MIN_MESSAGE_CHARS, width - before - 3);
  return formatTable(
    LIST_HEADER,
    rows.map((row) => [...row.slice(0, -1), cut(row.at(-1) ?? '-', room)]),
  );
}

/** `text` in at most `chars` characters, the last one `…` when cut. */
function cut(text: string, chars: number): string {
  const characters = [...text];
  return characters.length > chars ? `${characters.slice(0, chars - 1).join('')}…` : text;
}

function field(label: string, value: string): string {
  return `${`${label}:`.padEnd(25)}${value}\n`;
}

function generationText(view: GitSyncView): string {
  const observed = view.observedGeneration === undefined ? '-' : String(view.observedGeneration);
  if (view.generation === undefined) return observed;
  const behind = view.observedGeneration !== view.generation ? ' (not yet observed)' : '';
  return `${observed} of generation ${view.generation}${behind}`;
}

function conditionsText(view: GitSyncView, now: Date): string {
  if (view.conditions.length === 0) return 'Conditions: none reported yet\n';
  return `Conditions:\n${formatTable(
    ['TYPE', 'STATUS', 'REASON', 'AGE', 'MESSAGE'],
    view.conditions.map((c) => [
      printable(c.type),
      printable(c.status),
      printable(c.reason),
      c.lastTransitionTime === undefined ? '-' : humanAge(c.lastTransitionTime, now),
      printable(c.message, 2000),
    ]),
  )}`;
}

function historyText(view: GitSyncView, now: Date): string {
  if (view.history.length === 0) return 'History: none\n';
  return `History (newest first):\n${formatTable(
    ['REVISION', 'DIGEST', 'RESULT', 'STARTED', 'DURATION', 'CHANGED'],
    view.history.map((h) => [
      printable(h.revision),
      printable(h.digest),
      printable(h.result),
      h.startedAt === undefined ? '-' : `${printable(h.startedAt)} (${humanAge(h.startedAt, now)} ago)`,
      printable(h.duration),
      h.objectsChanged === undefined ? '-' : String(h.objectsChanged),
    ]),
  )}`;
}

function rollbackText(view: GitSyncView): string {
  const undo = `(gitseal sync rollback ${printable(view.name)} --resume to undo)`;
  return view.rollbackInEffect === true
    ? `${printable(view.rollback)} ${undo}`
    : `${printable(view.rollback)}, but spec.source was changed since (by whatever manages this GitSync) ${undo}`;
}

/** `sync status`: the GitSync's source, revisions, inventory size, conditions and history. */
export function formatGitSyncStatus(view: GitSyncView, now: Date = new Date()): string {
  const source = [
    printable(view.sourceUrl),
    view.sourceRef === undefined ? '' : ` (${printable(view.sourceRef)})`,
    view.sourcePath === undefined ? '' : ` path ${printable(view.sourcePath)}`,
    view.sourceChart === undefined ? '' : ` chart ${printable(view.sourceChart)}`,
  ].join('');
  return [
    field('GitSync', `${printable(view.namespace)}/${printable(view.name)}`),
    field('Source', source),
    field('Interval', printable(view.interval)),
    field('Suspended', view.suspended ? 'true' : 'false'),
    field('Ready', printable(readyOf(view))),
    field('Last applied revision', printable(view.lastAppliedRevision)),
    view.rollback === undefined ? '' : field('Pinned by rollback', rollbackText(view)),
    field('Last attempted revision', printable(view.lastAttemptedRevision)),
    view.chart === undefined ? '' : field('Chart', printable(view.chart)),
    field('Observed generation', generationText(view)),
    field('Inventory', view.inventoryCount === undefined ? '-' : `${view.inventoryCount} object(s)`),
    view.requestedAt === undefined ? '' : field('Sync requested at', printable(view.requestedAt)),
    '\n',
    conditionsText(view, now),
    '\n',
    historyText(view, now),
  ].join('');
}
