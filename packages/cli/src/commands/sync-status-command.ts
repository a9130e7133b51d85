import type { Command, OptionValues } from 'commander';
import type { CommandIo } from '../command-io.js';
import { addClusterOptions, outputOption } from '../command-options.js';
import { CLUSTER_FIELDS, oneOf, orElse, readOptions } from '../option-values.js';
import { VIEW_FORMATS, ViewFormat } from '../options.js';
import { SYNC_EXIT_HELP, SYNC_NAMESPACE_HELP } from './sync-command.js';

const SYNC_STATUS_FIELDS = { ...CLUSTER_FIELDS, output: orElse(oneOf(VIEW_FORMATS), ViewFormat.Text) } as const;

/** `gitseal sync status NAME [-o json|yaml]`. */
export function addSyncStatusCommand(sync: Command, io: CommandIo): Command {
  return addClusterOptions(
    sync
      .command('status')
      .description('show the conditions, revisions, inventory size and history of a GitSync')
      .argument('<name>', 'GitSync name')
      .addOption(outputOption()),
    SYNC_NAMESPACE_HELP,
  )
    .addHelpText('after', SYNC_EXIT_HELP)
    .action(async (name: string, values: OptionValues) => {
      const { runSyncStatus } = await import('./sync-status.js');
      io.output(await runSyncStatus(name, readOptions(values, SYNC_STATUS_FIELDS)));
    });
}
