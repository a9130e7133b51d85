import type { Command, OptionValues } from 'commander';
import type { CommandIo } from '../command-io.js';
import { addClusterOptions } from '../command-options.js';
import { CLUSTER_FIELDS, flag, readOptions, requiredText } from '../option-values.js';
import { SYNC_EXIT_HELP, SYNC_NAMESPACE_HELP } from './sync-command.js';

const SYNC_NOW_FIELDS = { ...CLUSTER_FIELDS, wait: flag, timeout: requiredText } as const;

/** `gitseal sync now NAME [--wait [--timeout D]]`. */
export function addSyncNowCommand(sync: Command, io: CommandIo): Command {
  return addClusterOptions(
    sync
      .command('now')
      .description('ask the controller to sync a GitSync now (sets gitseal.dev/requested-at)')
      .argument('<name>', 'GitSync name')
      .option(
        '--wait',
        'wait until the controller handled this request (status.lastHandledRequestedAt); exit 1 if not Ready; ' +
          'on a terminal, shows the phase while waiting',
      )
      .option('--timeout <duration>', 'how long --wait waits, e.g. 90s, 2m', '2m'),
    SYNC_NAMESPACE_HELP,
  )
    .addHelpText('after', SYNC_EXIT_HELP)
    .action(async (name: string, values: OptionValues) => {
      const { runSyncNow } = await import('./sync-request.js');
      io.output(await runSyncNow(name, readOptions(values, SYNC_NOW_FIELDS)));
    });
}
