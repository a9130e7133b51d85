import { getGitSync } from '../git-sync-api.js';
import { viewGitSync } from '../git-sync-view.js';
import { openKubeSession, type ClusterOptions } from '../kube-session.js';
import { formatReport, reportFormatOf } from '../cli-report.js';
import { formatSyncHistory } from '../sync-history-text.js';

/** `gitseal sync history NAME`: status.history, newest first (revision, time, result, applied/unchanged/pruned). */
export async function runSyncHistory(name: string, raw: Record<string, unknown>): Promise<string> {
  const session = openKubeSession(raw as ClusterOptions);
  const view = viewGitSync(await getGitSync(session.kc, session.namespace, name));
  const format = reportFormatOf(raw);
  if (format === undefined) return formatSyncHistory(view);
  return formatReport(
    'GitSyncHistory',
    {
      namespace: view.namespace,
      name: view.name,
      ...(view.lastAppliedRevision === undefined ? {} : { lastAppliedRevision: view.lastAppliedRevision }),
      ...(view.rollback === undefined
        ? {}
        : { rollback: { revision: view.rollback, inEffect: view.rollbackInEffect } }),
      history: view.history,
    },
    format,
  );
}
