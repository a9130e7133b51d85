import { formatReport } from '../cli-report.js';
import { getGitSync } from '../git-sync-api.js';
import { gitSyncStatusReport } from '../git-sync-report.js';
import { formatGitSyncStatus } from '../git-sync-text.js';
import { viewGitSync } from '../git-sync-view.js';
import { openKubeSession, type ClusterOptions } from '../kube-session.js';
import type { ViewFormat } from '../options.js';

export interface SyncStatusOptions extends ClusterOptions {
  readonly output: ViewFormat;
}

/** `gitseal sync status NAME [-o json|yaml]`: conditions, revisions, inventory size and history of one GitSync. */
export async function runSyncStatus(name: string, options: SyncStatusOptions): Promise<string> {
  const session = openKubeSession(options);
  const view = viewGitSync(await getGitSync(session.kc, session.namespace, name));
  if (options.output !== 'text') return formatReport('GitSyncStatus', gitSyncStatusReport(view), options.output);
  return formatGitSyncStatus(view);
}
