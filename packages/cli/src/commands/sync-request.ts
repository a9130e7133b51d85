import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, ExitCode } from '../cli-error.js';
import { getGitSync, mergePatchGitSync, REQUESTED_AT_ANNOTATION, type GitSyncObject } from '../git-sync-api.js';
import { openKubeSession, type ClusterOptions, type KubeConfig } from '../kube-session.js';
import { progressOn, type Progress } from '../progress.js';
import { handledSync, parseWaitTimeout, syncPhase, type HandledSync } from '../sync-wait.js';

const POLL_MS = 500;

export interface SyncNowOptions extends ClusterOptions {
  readonly wait: boolean;
  /** How long --wait waits (`2m`, `90s`). */
  readonly timeout: string;
}

/**
 * `gitseal sync now NAME`: sets the `gitseal.dev/requested-at` annotation to the current RFC 3339 time (merge
 * patch); the controller syncs on any change of it. With `--wait`, waits until the controller has handled exactly
 * this request (status.lastHandledRequestedAt) and prints the Ready condition; a GitSync that is not Ready then
 * exits 1, no answer within `--timeout` exits 3.
 */
export async function runSyncNow(
  name: string,
  options: SyncNowOptions,
  now = new Date(),
  progress: Progress = progressOn(),
): Promise<string> {
  const { kc, namespace } = openKubeSession(options);
  const { wait } = options;
  const timeoutMs = wait ? parseWaitTimeout(options.timeout) : 0;
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
  let handled: HandledSync;
  try {
    handled = await waitHandled(kc, namespace, name, requestedAt, timeoutMs, (phase) =>
      progress.update(`GitSync ${namespace}/${name}: ${phase}`, true),
    );
  } finally {
    progress.done();
  }
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
  onPhase: (phase: string) => void = () => undefined,
): Promise<HandledSync> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const gitSync = await getGitSync(kc, namespace, name);
    const handled = handledSync(gitSync, requestedAt);
    if (handled) return handled;
    onPhase(syncPhase(gitSync));
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
export async function runSyncSuspend(name: string, options: ClusterOptions, suspend: boolean): Promise<string> {
  const { kc, namespace } = openKubeSession(options);
  await setSuspended(kc, namespace, name, suspend);
  return `GitSync ${namespace}/${name}: ${suspend ? 'suspended' : 'resumed'}\n`;
}

/** Merge-patches `spec.suspend` (shared by `gitseal sync suspend|resume` and `gitseal ui`). */
export async function setSuspended(kc: KubeConfig, namespace: string, name: string, suspend: boolean): Promise<void> {
  await mergePatchGitSync(kc, namespace, name, { spec: { suspend } });
}
