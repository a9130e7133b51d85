import { getGitSync } from '../git-sync-api.js';
import { formatGitSyncStatus } from '../git-sync-text.js';
import { viewGitSync } from '../git-sync-view.js';
import { openKubeSession, type ClusterOptions } from '../kube-session.js';

/** `gitseal sync status NAME`: conditions, revisions, inventory size and history of one GitSync. */
export async function runSyncStatus(name: string, raw: Record<string, unknown>): Promise<string> {
  const session = openKubeSession(raw as ClusterOptions);
  return formatGitSyncStatus(viewGitSync(await getGitSync(session.kc, session.namespace, name)));
}
