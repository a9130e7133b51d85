// The registration of `gitseal sync events|tree|history|rollback`. Light on purpose: each action's module (and the
// cluster client it needs) is imported only when that command runs.
import { Option, type Command } from 'commander';
import { addClusterOptions, outputOption } from '../command-options.js';
import type { Output } from '../program.js';
import { SYNC_EXIT_HELP, SYNC_NAMESPACE_HELP } from './sync-command.js';

export function addSyncEventsCommand(sync: Command, output: Output): void {
  addClusterOptions(
    sync
      .command('events')
      .description('show the Events of a GitSync, oldest first: LAST SEEN TYPE REASON OBJECT MESSAGE')
      .argument('<name>', 'GitSync name')
      .option('--all', 'also the Events of the objects in its inventory (Deployments, Jobs, …)')
      .addOption(
        new Option('-w, --watch', 'keep printing new Events (every 2 s) until interrupted').conflicts('output'),
      )
      .addOption(outputOption())
      .addHelpText('after', SYNC_EXIT_HELP),
    SYNC_NAMESPACE_HELP,
  ).action(async (name: string, options: Record<string, unknown>) => {
    const { runSyncEvents } = await import('./sync-events.js');
    output(await runSyncEvents(name, options));
  });
}

export function addSyncTreeCommand(sync: Command, output: Output): void {
  addClusterOptions(
    sync
      .command('tree')
      .description('show the objects a GitSync applied: in sync, drifted or missing, and their health (by wave)')
      .argument('<name>', 'GitSync name')
      .addOption(outputOption())
      .addHelpText('after', SYNC_EXIT_HELP),
    SYNC_NAMESPACE_HELP,
  ).action(async (name: string, options: Record<string, unknown>) => {
    const { runSyncTree } = await import('./sync-tree.js');
    output(await runSyncTree(name, options));
  });
}

export function addSyncHistoryCommand(sync: Command, output: Output): void {
  addClusterOptions(
    sync
      .command('history')
      .description("show a GitSync's sync attempts: revision, time, result, applied/unchanged/pruned")
      .argument('<name>', 'GitSync name')
      .addOption(outputOption())
      .addHelpText('after', SYNC_EXIT_HELP),
    SYNC_NAMESPACE_HELP,
  ).action(async (name: string, options: Record<string, unknown>) => {
    const { runSyncHistory } = await import('./sync-history.js');
    output(await runSyncHistory(name, options));
  });
}

const ROLLBACK_HELP = `
--to pins the GitSync to a revision of its history (gitseal sync history NAME): a Git source gets
spec.source.ref.commit (with its branch), a chart source spec.source.chart.version. The source as it was is kept in
the annotation gitseal.dev/rollback, and --resume puts exactly that back. A GitSync that is itself applied by
another GitSync is put back by that one on its next sync: roll back the parent's repository instead.`;

export function addSyncRollbackCommand(sync: Command, output: Output): void {
  addClusterOptions(
    sync
      .command('rollback')
      .description('pin a GitSync to a revision from its history (--to), or follow its source again (--resume)')
      .argument('<name>', 'GitSync name')
      .addOption(
        new Option('--to <revision>', 'a revision of its history: as shown, a commit (prefix) or a chart version'),
      )
      .addOption(new Option('--resume', 'undo the rollback: restore the source it replaced').conflicts('to'))
      .option('--wait', 'wait until the controller handled the change; exit 1 if not Ready')
      .option('--timeout <duration>', 'how long --wait waits, e.g. 90s, 2m', '2m')
      .addHelpText('after', ROLLBACK_HELP + SYNC_EXIT_HELP),
    SYNC_NAMESPACE_HELP,
  ).action(async (name: string, options: Record<string, unknown>) => {
    const { runSyncRollback } = await import('./sync-rollback.js');
    output(await runSyncRollback(name, options));
  });
}
