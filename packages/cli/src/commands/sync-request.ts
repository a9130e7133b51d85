import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, ExitCode } from '../cli-error.js';
import { getGitSync, mergePatchGitSync, REQUESTED_AT_ANNOTATION, type GitSyncObject } from '../git-sync-api.js';
import { openKubeSession, type ClusterOptions, type KubeConfig } from '../kube-session.js';
import { handledSync, parseWaitTimeout, type HandledSync } from '../sync-wait.js';

const DEFAULT_WAIT = '2m';
const POLL_MS = 500;

/**
 * `gitseal sync now NAME`: sets the `gitseal.dev/requested-at` annotation to the current RFC 3339 time (merge
 * patch); the controller syncs on any change of it. With `--wait`, waits until the controller has handled exactly
 * this request (status.lastHandledRequestedAt) and prints the Ready condition; a GitSync that is not Ready then
 * exits 1, no answer within `--timeout` exits 3.
 */
export async function runSyncNow(name: string, raw: Record<string, unknown>, now = new Date()): Promise<string> {
  const { kc, namespace } = openKubeSession(raw as ClusterOptions);
  const wait = raw['wait'] === true;
  const timeoutMs = wait ? parseWaitTimeout(String(raw['timeout'] ?? DEFAULT_WAIT)) : 0;
  if (timeoutMs === undefined) {
    throw new CliError('--timeout: expected a duration such as 90s, 2m or 1m30s', ExitCode.Usage);
  }
  const requestedAt = now.toISOString();
  const stored = await requestSync(kc, namespace, name, requestedAt);
  const suspended = stored.spec?.suspend === true;
  const note = suspended ? ' (suspended: nothing is synced until `gitseal sync resume`)' : '';
  const requested = `GitSync ${namespace}/${name}: sync requested at ${requestedAt}${note}\n`;
  if (!wait) return requested;
  if (suspended) throw new CliError(`GitSync ${namespace}/${name}: suspended, nothing to wait for`);
  const handled = await waitHandled(kc, namespace, name, requestedAt, timeoutMs);
  const line = `GitSync ${namespace}/${name}: sync handled: ${handled.summary}`;
  if (!handled.ready) throw new CliError(line);
  return `${requested}${line}\n`;
}

/**
 * Asks the controller for a sync: sets the `gitseal.dev/requested-at` annotation to `requestedAt` (merge patch).
 * Shared by `gitseal sync now` and `gitseal ui`'s Sync now.
 */
export function requestSync(
  kc: KubeConfig,
  namespace: string,
  name: string,
  requestedAt: string,
): Promise<GitSyncObject> {
  return mergePatchGitSync(kc, namespace, name, {
    metadata: { annotations: { [REQUESTED_AT_ANNOTATION]: requestedAt } },
  });
}

/** Waits until the controller handled the request of `requestedAt`; CliError (exit 3) after `timeoutMs`. */
export async function waitHandled(
  kc: KubeConfig,
  namespace: string,
  name: string,
  requestedAt: string,
  timeoutMs: number,
): Promise<HandledSync> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const handled = handledSync(await getGitSync(kc, namespace, name), requestedAt);
    if (handled) return handled;
    if (Date.now() + POLL_MS > deadline) {
      throw new CliError(
        `GitSync ${namespace}/${name}: the request of ${requestedAt} was not handled within ${Math.round(timeoutMs / 1000)}s (is the controller running?)`,
        ExitCode.Remote,
      );
    }
    await sleep(POLL_MS);
  }
}

/** `gitseal sync suspend|resume NAME`: merge-patches `spec.suspend`. */
export async function runSyncSuspend(name: string, raw: Record<string, unknown>, suspend: boolean): Promise<string> {
  const { kc, namespace } = openKubeSession(raw as ClusterOptions);
  await setSuspended(kc, namespace, name, suspend);
  return `GitSync ${namespace}/${name}: ${suspend ? 'suspended' : 'resumed'}\n`;
}

/** Merge-patches `spec.suspend` (shared by `gitseal sync suspend|resume` and `gitseal ui`). */
export async function setSuspended(kc: KubeConfig, namespace: string, name: string, suspend: boolean): Promise<void> {
  await mergePatchGitSync(kc, namespace, name, { spec: { suspend } });
}
