import { mergePatchGitSync, REQUESTED_AT_ANNOTATION } from '../git-sync-api.js';
import { openKubeSession, type ClusterOptions } from '../kube-session.js';

/**
 * `gitseal sync now NAME`: sets the `gitseal.dev/requested-at` annotation to the current RFC 3339 time (merge
 * patch); the controller syncs on any change of it. Does not wait for the sync.
 */
export async function runSyncNow(name: string, raw: Record<string, unknown>, now = new Date()): Promise<string> {
  const { kc, namespace } = openKubeSession(raw as ClusterOptions);
  const requestedAt = now.toISOString();
  const stored = await mergePatchGitSync(kc, namespace, name, {
    metadata: { annotations: { [REQUESTED_AT_ANNOTATION]: requestedAt } },
  });
  const note = stored.spec?.suspend === true ? ' (suspended: nothing is synced until `gitseal sync resume`)' : '';
  return `GitSync ${namespace}/${name}: sync requested at ${requestedAt}${note}\n`;
}

/** `gitseal sync suspend|resume NAME`: merge-patches `spec.suspend`. */
export async function runSyncSuspend(name: string, raw: Record<string, unknown>, suspend: boolean): Promise<string> {
  const { kc, namespace } = openKubeSession(raw as ClusterOptions);
  await mergePatchGitSync(kc, namespace, name, { spec: { suspend } });
  return `GitSync ${namespace}/${name}: ${suspend ? 'suspended' : 'resumed'}\n`;
}
