import type { Command } from 'commander';

/** What a shell may complete after `gitseal <path>`: subcommands, flags, and the values some flags take. */
export interface CompletionNode {
  /** The subcommand path, space-separated (`''` for gitseal itself, `'sync list'`). */
  readonly path: string;
  readonly subcommands: readonly string[];
  /** Every flag spelling: `-f`, `--file`, … with `-h` and `--help`. */
  readonly flags: readonly string[];
  /** The flags that take a value (the next word is theirs). */
  readonly valueFlags: readonly string[];
  /** The values a flag accepts, where the option lists them (`-o` → text json yaml). */
  readonly values: Readonly<Record<string, readonly string[]>>;
  /** The values of the command's first argument, where it lists them (`completion` → bash zsh fish). */
  readonly argChoices: readonly string[];
}

/** Shell words here are names and flags only: anything else would need quoting in the generated scripts. */
const WORD = /^-{0,2}[A-Za-z0-9][A-Za-z0-9._/-]*$/;

function checked(word: string): string {
  if (!WORD.test(word)) throw new Error(`completion: "${word}" is not a plain word`);
  return word;
}

function node(command: Command, path: string): CompletionNode {
  const flags: string[] = [];
  const valueFlags: string[] = [];
  const values: Record<string, readonly string[]> = {};
  for (const option of command.options) {
    const spellings = [option.short, option.long].filter((s): s is string => s !== undefined).map(checked);
    flags.push(...spellings);
    if (option.required || option.optional) valueFlags.push(...spellings);
    const choices = option.argChoices?.map(checked);
    if (choices !== undefined) for (const spelling of spellings) values[spelling] = choices;
  }
  flags.push('-h', '--help');
  return {
    path,
    subcommands: command.commands.map((sub) => checked(sub.name())),
    flags,
    valueFlags,
    values,
    argChoices: (command.registeredArguments[0]?.argChoices ?? []).map(checked),
  };
}

/** Every command of the program, depth first: the completion scripts are generated from this, so never drift. */
export function completionTree(program: Command): CompletionNode[] {
  const walk = (command: Command, path: string): CompletionNode[] => [
    node(command, path),
    ...command.commands.flatMap((sub) => walk(sub, path === '' ? sub.name() : `${path} ${sub.name()}`)),
  ];
  return walk(program, '');
}
