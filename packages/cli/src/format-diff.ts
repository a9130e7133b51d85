import type { FieldChange } from './field-diff.js';
import { FieldChangeKind } from './field-diff.js';
import { DiffAction, SecretKind, type ObjectDiff } from './object-diff.js';
import { printable } from './printable.js';
import { KeyChange, type KeyDiff } from './secret-key-diff.js';

const SYMBOL: Record<DiffAction, string> = {
  [DiffAction.Created]: '+',
  [DiffAction.Changed]: '~',
  [DiffAction.Unchanged]: '=',
  [DiffAction.Pruned]: '-',
};

const MAX_VALUE_CHARS = 160;
const INDENT = '    ';

function valueText(value: unknown): string {
  return printable(JSON.stringify(value) ?? 'null', MAX_VALUE_CHARS);
}

/** A small unified diff by field: `- path: old` / `+ path: new`. */
function fieldLines(fields: readonly FieldChange[]): string[] {
  return fields.flatMap((f) => {
    const path = printable(f.path);
    const lines: string[] = [];
    if (f.kind !== FieldChangeKind.Added) lines.push(`${INDENT}- ${path}: ${valueText(f.before)}`);
    if (f.kind !== FieldChangeKind.Removed) lines.push(`${INDENT}+ ${path}: ${valueText(f.after)}`);
    return lines;
  });
}

/** Secret kinds: paths only, never values. */
function secretFieldLines(fields: readonly FieldChange[]): string[] {
  return fields.map((f) => `${INDENT}${printable(f.path)}: ${f.kind}`);
}

function keyText(key: KeyDiff, kind: SecretKind): string {
  if (kind === SecretKind.SealedSecret && key.change === KeyChange.Resealed) {
    return 'resealed (ciphertext differs; plaintext not compared)';
  }
  if (kind === SecretKind.SealedSecret && key.change === KeyChange.Unchanged) {
    return 'unchanged (identical ciphertext)';
  }
  return key.change;
}

function keyLines(diff: ObjectDiff): string[] {
  const kind = diff.secretKind;
  if (kind === undefined) return [];
  const prefix = kind === SecretKind.Secret ? 'data' : 'encryptedData';
  return diff.keys.map((key) => `${INDENT}${prefix}[${JSON.stringify(printable(key.key))}]: ${keyText(key, kind)}`);
}

function detailLines(diff: ObjectDiff): string[] {
  if (diff.action === DiffAction.Unchanged || diff.action === DiffAction.Pruned) return [];
  if (diff.secretKind === undefined) return fieldLines(diff.fields);
  return [...keyLines(diff), ...secretFieldLines(diff.fields)];
}

function headLine(diff: ObjectDiff): string {
  const source = diff.source === undefined ? '' : ` (${printable(diff.source)})`;
  const note = diff.note === undefined ? '' : `: ${printable(diff.note)}`;
  return `${SYMBOL[diff.action]} ${printable(diff.title)} ${diff.action}${source}${note}`;
}

/** Counts per action. */
export function countActions(diffs: readonly ObjectDiff[]): Record<DiffAction, number> {
  const counts = { created: 0, changed: 0, unchanged: 0, pruned: 0 };
  for (const diff of diffs) counts[diff.action] += 1;
  return counts;
}

/** True when applying the folder would change anything. */
export function hasDifferences(diffs: readonly ObjectDiff[]): boolean {
  return diffs.some((d) => d.action !== DiffAction.Unchanged);
}

/** The whole `gitseal diff` report: one block per object, then a summary line. */
export function formatDiff(diffs: readonly ObjectDiff[], notes: readonly string[] = []): string {
  const blocks = diffs.map((diff) => [headLine(diff), ...detailLines(diff)].map((line) => `${line}\n`).join(''));
  const c = countActions(diffs);
  const summary =
    `${diffs.length - c.pruned} object(s) in the folder: ${c.created} to create, ${c.changed} to change, ` +
    `${c.unchanged} unchanged` +
    (c.pruned > 0 ? `; ${c.pruned} to prune` : '');
  return [...blocks, ...notes.map((n) => `note: ${printable(n, 1000)}\n`), `${summary}\n`].join('');
}
