import type { Command, OptionValues } from 'commander';
import type { CommandIo } from '../command-io.js';
import { addClusterOptions } from '../command-options.js';
import { CLUSTER_FIELDS, readOptions } from '../option-values.js';
import { SYNC_EXIT_HELP, SYNC_NAMESPACE_HELP } from './sync-command.js';

/** `gitseal sync suspend NAME` (suspend = true) or `gitseal sync resume NAME` (false): sets spec.suspend. */
export function addSyncSuspendCommand(sync: Command, io: CommandIo, suspend: boolean): Command {
  return addClusterOptions(
    sync
      .command(suspend ? 'suspend' : 'resume')
      .description(`${suspend ? 'stop' : 'restart'} syncing a GitSync (sets spec.suspend to ${suspend})`)
      .argument('<name>', 'GitSync name'),
    SYNC_NAMESPACE_HELP,
  )
    .addHelpText('after', SYNC_EXIT_HELP)
    .action(async (name: string, values: OptionValues) => {
      const { runSyncSuspend } = await import('./sync-request.js');
      io.output(await runSyncSuspend(name, readOptions(values, CLUSTER_FIELDS), suspend));
    });
}
