import { COMMAND_NAMES } from './command-names.js';

/** Edit distance (insertions, deletions, substitutions, and swaps of neighbours), for short command names. */
function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i] as number[];
      const up = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * The one-line refusal of a first argument that is neither a subcommand, `help` nor a flag (`gitseal sael`), with
 * the nearest subcommand when one is close; undefined when the command line is fine. kubeseal takes no positional
 * argument, so a bare word there is never kubeseal-style usage.
 */
export function unknownCommand(args: readonly string[]): string | undefined {
  const first = args[0];
  if (first === undefined || first.startsWith('-') || first === 'help') return undefined;
  if ((COMMAND_NAMES as readonly string[]).includes(first)) return undefined;
  const shown = JSON.stringify(first.length > 40 ? `${first.slice(0, 39)}…` : first);
  const nearest = COMMAND_NAMES.map((name) => ({ name, d: distance(first.toLowerCase(), name) }))
    .filter(({ name, d }) => d <= Math.max(1, Math.floor(name.length / 3)))
    .sort((x, y) => x.d - y.d)[0];
  const hint = nearest ? ` (did you mean "${nearest.name}"?)` : '';
  return `unknown command ${shown}${hint}; commands: ${COMMAND_NAMES.join(', ')}`;
}
