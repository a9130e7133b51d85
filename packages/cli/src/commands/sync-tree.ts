import { createApiDiscovery } from '@gitseal/kube';
import { syncLabel } from '@gitseal/sync';
import { getGitSync } from '../git-sync-api.js';
import { openKubeSession, type ClusterOptions } from '../kube-session.js';
import { printable } from '../printable.js';
import { formatReport, reportFormatOf } from '../cli-report.js';
import { formatSyncTree, sortTree } from '../sync-tree-text.js';
import { inventoryOf } from '../ui/git-sync-detail.js';
import { readResourceTree } from '../ui/resource-tree.js';

/**
 * `gitseal sync tree NAME`: the GitSync's inventory, each object read live with the user's own rights (what the web
 * UI's GitSync page shows): in sync, drifted or missing, and its health. Secrets are read as metadata only.
 */
export async function runSyncTree(name: string, raw: Record<string, unknown>): Promise<string> {
  const { kc, namespace } = openKubeSession(raw as ClusterOptions);
  const object = await getGitSync(kc, namespace, name);
  const label = syncLabel({ metadata: { namespace, name } });
  const groups = await readResourceTree(kc, createApiDiscovery(kc), inventoryOf(object), label);
  const resources = sortTree(groups.flatMap((g) => g.resources));
  const revision = object.status?.['lastAppliedRevision'];
  const format = reportFormatOf(raw);
  if (format !== undefined) {
    return formatReport(
      'GitSyncTree',
      { namespace, name, ...(typeof revision === 'string' ? { lastAppliedRevision: revision } : {}), resources },
      format,
    );
  }
  const at = typeof revision === 'string' ? ` at ${printable(revision)}` : '';
  return formatSyncTree(`GitSync ${namespace}/${name}${at}`, resources);
}
