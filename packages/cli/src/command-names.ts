/** The subcommands, in the order help lists them (the program and the kubeseal argv rewrite share this list). */
export const COMMAND_NAMES = [
  'seal',
  'unseal',
  'reencrypt',
  'validate',
  'cert',
  'keygen',
  'diff',
  'ui',
  'sync',
  'keys',
  'completion',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];
