import { CliError, ExitCode } from '../cli-error.js';
import { listGitSyncs } from '../git-sync-api.js';
import { formatGitSyncList } from '../git-sync-text.js';
import { viewGitSync } from '../git-sync-view.js';
import { openKubeSession, type ClusterOptions } from '../kube-session.js';

export interface SyncListOptions extends ClusterOptions {
  readonly allNamespaces?: boolean;
}

/** `gitseal sync list [-n NS | -A]`: NAMESPACE NAME READY REVISION AGE SUSPENDED. */
export async function runSyncList(raw: Record<string, unknown>): Promise<string> {
  const options = raw as SyncListOptions;
  if (options.allNamespaces === true && options.namespace !== undefined) {
    throw new CliError('sync list: --namespace and --all-namespaces cannot be used together', ExitCode.Usage);
  }
  const session = openKubeSession(options);
  const namespace = options.allNamespaces === true ? undefined : session.namespace;
  const items = await listGitSyncs(session.kc, namespace);
  if (items.length === 0) {
    return namespace === undefined ? 'No GitSyncs found.\n' : `No GitSyncs found in namespace ${namespace}.\n`;
  }
  return formatGitSyncList(items.map(viewGitSync));
}
