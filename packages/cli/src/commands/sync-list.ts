import { CliError, ExitCode } from '../cli-error.js';
import { formatReport } from '../cli-report.js';
import { listGitSyncs } from '../git-sync-api.js';
import { gitSyncListItem } from '../git-sync-report.js';
import { formatGitSyncList, sortGitSyncs } from '../git-sync-text.js';
import { viewGitSync } from '../git-sync-view.js';
import { openKubeSession, type ClusterOptions } from '../kube-session.js';
import type { ViewFormat } from '../options.js';
import { isTerminal, stdStream } from '../std-output.js';

export interface SyncListOptions extends ClusterOptions {
  readonly allNamespaces?: boolean | undefined;
  readonly output: ViewFormat;
}

/**
 * `gitseal sync list [-n NS | -A] [-o json|yaml]`: NAMESPACE NAME READY REASON REVISION AGE SUSPENDED MESSAGE,
 * the message cut to the terminal's width when stdout is one; or a GitSyncList document.
 */
export async function runSyncList(options: SyncListOptions, columns = terminalColumns()): Promise<string> {
  if (options.allNamespaces === true && options.namespace !== undefined) {
    throw new CliError('sync list: --namespace and --all-namespaces cannot be used together', ExitCode.Usage);
  }
  const session = openKubeSession(options);
  const namespace = options.allNamespaces === true ? undefined : session.namespace;
  const views = (await listGitSyncs(session.kc, namespace)).map(viewGitSync);
  if (options.output !== 'text') {
    return formatReport('GitSyncList', { items: sortGitSyncs(views).map(gitSyncListItem) }, options.output);
  }
  if (views.length === 0) {
    return namespace === undefined ? 'No GitSyncs found.\n' : `No GitSyncs found in namespace ${namespace}.\n`;
  }
  return formatGitSyncList(views, new Date(), columns);
}

/** The width of the terminal stdout is, or undefined when it is a pipe or a file. */
function terminalColumns(): number | undefined {
  return isTerminal(1) ? stdStream(1).columns : undefined;
}
