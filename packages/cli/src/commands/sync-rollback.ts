import { CliError, ExitCode } from '../cli-error.js';
import { getGitSync, mergePatchGitSync } from '../git-sync-api.js';
import { openKubeSession, type ClusterOptions } from '../kube-session.js';
import { pickRevision, resumePatch, rollbackOf, rollbackPatch } from '../rollback-pin.js';
import { parseWaitTimeout } from '../sync-wait.js';
import { waitHandled } from './sync-request.js';

export interface SyncRollbackOptions extends ClusterOptions {
  readonly to?: string | undefined;
  readonly resume?: boolean | undefined;
  readonly wait?: boolean | undefined;
  readonly timeout?: string | undefined;
}

/**
 * `gitseal sync rollback NAME --to REVISION | --resume [--wait]`: pins the GitSync to a revision of its history
 * (spec.source.ref.commit with the branch, or spec.source.chart.version) and remembers the source as it was in the
 * annotation gitseal.dev/rollback; `--resume` puts that back. Both ask for a sync (gitseal.dev/requested-at), which
 * `--wait` waits for as `sync now --wait` does.
 */
export async function runSyncRollback(name: string, raw: Record<string, unknown>, now = new Date()): Promise<string> {
  const options = raw as SyncRollbackOptions;
  if ((options.to === undefined) === (options.resume !== true)) {
    throw new CliError('sync rollback: give either --to REVISION or --resume', ExitCode.Usage);
  }
  const timeoutMs = options.wait === true ? parseWaitTimeout(options.timeout ?? '2m') : 0;
  if (timeoutMs === undefined) {
    throw new CliError('--timeout: expected a duration such as 90s, 2m or 1m30s', ExitCode.Usage);
  }
  const { kc, namespace } = openKubeSession(options);
  const what = `GitSync ${namespace}/${name}`;
  const object = await getGitSync(kc, namespace, name);
  const requestedAt = now.toISOString();
  let done: string;
  if (options.to !== undefined) {
    const target = pickRevision(object, options.to);
    await mergePatchGitSync(kc, namespace, name, rollbackPatch(object, target, requestedAt));
    done = `${what}: pinned to ${target.revision} (gitseal sync rollback ${name} --resume to undo)`;
  } else {
    const pinned = rollbackOf(object)?.revision;
    await mergePatchGitSync(kc, namespace, name, resumePatch(object, requestedAt));
    done = `${what}: resumed from ${pinned ?? 'rollback'}, following its source again`;
  }
  const suspended = object.spec?.['suspend'] === true;
  const note = suspended ? ' (suspended: nothing is synced until `gitseal sync resume`)' : '';
  const first = `${done}${note}\n`;
  if (options.wait !== true) return first;
  if (suspended) throw new CliError(`${what}: suspended, nothing to wait for`);
  const handled = await waitHandled(kc, namespace, name, requestedAt, timeoutMs);
  const line = `${what}: sync handled: ${handled.summary}`;
  if (!handled.ready) throw new CliError(line);
  return `${first}${line}\n`;
}
