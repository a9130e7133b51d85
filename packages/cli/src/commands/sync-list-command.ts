import { Option, type Command, type OptionValues } from 'commander';
import type { CommandIo } from '../command-io.js';
import { addClusterOptions, outputOption } from '../command-options.js';
import { CLUSTER_FIELDS, flag, oneOf, orElse, readOptions } from '../option-values.js';
import { VIEW_FORMATS, ViewFormat } from '../options.js';
import { SYNC_EXIT_HELP, SYNC_NAMESPACE_HELP } from './sync-command.js';

const SYNC_LIST_FIELDS = {
  ...CLUSTER_FIELDS,
  allNamespaces: flag,
  output: orElse(oneOf(VIEW_FORMATS), ViewFormat.Text),
} as const;

/** `gitseal sync list [-n NS | -A] [-o json|yaml]`. */
export function addSyncListCommand(sync: Command, io: CommandIo): Command {
  return addClusterOptions(
    sync
      .command('list')
      .description('list GitSyncs: NAMESPACE NAME READY REASON REVISION AGE SUSPENDED MESSAGE')
      .addOption(new Option('-A, --all-namespaces', 'list GitSyncs in every namespace').conflicts('namespace'))
      .addOption(outputOption()),
    SYNC_NAMESPACE_HELP,
  )
    .addHelpText('after', SYNC_EXIT_HELP)
    .action(async (values: OptionValues) => {
      const { runSyncList } = await import('./sync-list.js');
      io.output(await runSyncList(readOptions(values, SYNC_LIST_FIELDS)));
    });
}
