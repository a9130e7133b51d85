import { COMMAND_NAMES } from './command-names.js';
/** gitseal's subcommands and `help`; anything else in first position means "kubeseal-style flags, no subcommand". */
export const COMMANDS = [...COMMAND_NAMES, 'help'] as const;

/** kubeseal's mode flags and the gitseal subcommand each one means. */
const MODE_FLAGS = {
  '--recovery-unseal': 'unseal',
  '--re-encrypt': 'reencrypt',
  '--fetch-cert': 'cert',
  '--validate': 'validate',
} as const;

/** kubeseal option spellings that gitseal spells differently. */
const OPTION_RENAMES = {
  '--recovery-private-key': '--private-key',
  '--sealed-secret-file': '--output-file',
  '--secret-file': '--file',
} as const;

function isModeFlag(arg: string): arg is keyof typeof MODE_FLAGS {
  return Object.hasOwn(MODE_FLAGS, arg);
}

function renameOption(arg: string): string {
  const eq = arg.indexOf('=');
  const name = eq === -1 ? arg : arg.slice(0, eq);
  if (!Object.hasOwn(OPTION_RENAMES, name)) {
    return arg;
  }
  const renamed = OPTION_RENAMES[name as keyof typeof OPTION_RENAMES];
  return eq === -1 ? renamed : `${renamed}${arg.slice(eq)}`;
}

/**
 * Rewrites a kubeseal-style command line into gitseal's subcommand form before commander parses it:
 * `--recovery-unseal` → `unseal`, `--re-encrypt` → `reencrypt`, `--fetch-cert` → `cert`, `--validate` →
 * `validate`, no subcommand at all → `seal`; `--recovery-private-key` → `--private-key`. `argv` is
 * process.argv (node, script, ...args). Arguments after `--` are left alone.
 */
export function rewriteKubesealArgv(argv: readonly string[]): string[] {
  const head = argv.slice(0, 2);
  const args = argv.slice(2);
  const end = args.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  const rest = end === -1 ? [] : args.slice(end);
  const renamed = options.map(renameOption);
  const first = renamed[0];
  if (first !== undefined && (COMMANDS as readonly string[]).includes(first)) {
    return [...head, ...renamed, ...rest];
  }
  if (renamed.length === 1 && ['-h', '--help', '-V', '--version'].includes(first ?? '')) {
    return [...head, ...renamed, ...rest];
  }
  const modes = renamed.filter(isModeFlag);
  const command = modes.length > 0 ? MODE_FLAGS[modes[0] as keyof typeof MODE_FLAGS] : 'seal';
  const remaining = modes.length > 0 ? renamed.filter((a) => a !== modes[0]) : renamed;
  // A second, different mode flag is left in place so that commander reports it as an unknown option.
  return [...head, command, ...remaining, ...rest];
}
