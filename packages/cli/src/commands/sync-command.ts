import type { Command } from 'commander';

/** The `-n` help of the commands on one GitSync. */
export const SYNC_NAMESPACE_HELP =
  "namespace of the GitSync (default: the kubeconfig context's namespace, else default)";

/** The exit codes of every `gitseal sync …` subcommand. */
export const SYNC_EXIT_HELP =
  '\nExit codes: 0 success, 1 bad input or GitSync not found, 2 usage error, 3 API server unreachable or failing.';

/** `gitseal sync`: the parent of the GitSync subcommands (each adds itself with its own `addSync…Command`). */
export function addSyncCommand(parent: Command): Command {
  return parent
    .command('sync')
    .description('list, inspect, drive and roll back GitSyncs (sync list|status|now|history|rollback|…)');
}
