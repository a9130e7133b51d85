import { UiHealth, UiSyncState, type UiGitSyncSummary } from '@gitseal/manifests';
import type { GitSyncObject } from '../git-sync-api.js';
import { viewGitSync, type ConditionView, type GitSyncView } from '../git-sync-view.js';

/** Reasons that say the applied objects are unhealthy (rather than that Git or the render failed). */
const UNHEALTHY_REASONS: ReadonlySet<string> = new Set(['HealthCheckFailed', 'HookFailed']);

/** `main@sha1:<hex>` (or any `…:<hex>` / bare hex) → its first 7 hex digits; undefined without a commit. */
export function shortRevision(revision: string | undefined): string | undefined {
  const match = /(?:^|[:@])([0-9a-f]{7,64})$/.exec(revision ?? '');
  return match?.[1]?.slice(0, 7);
}

const condition = (view: GitSyncView, type: string): ConditionView | undefined =>
  view.conditions.find((c) => c.type === type);

/** Stalled=True wins, then Reconciling=True, then Ready (True: Ready, False: Failed); no Ready: Unknown. */
export function syncStateOf(view: GitSyncView): { state: UiSyncState; decidedBy?: ConditionView } {
  const stalled = condition(view, 'Stalled');
  if (stalled?.status === 'True') return { state: UiSyncState.Stalled, decidedBy: stalled };
  const reconciling = condition(view, 'Reconciling');
  if (reconciling?.status === 'True') return { state: UiSyncState.Reconciling, decidedBy: reconciling };
  const ready = condition(view, 'Ready');
  if (ready?.status === 'True') return { state: UiSyncState.Ready, decidedBy: ready };
  if (ready?.status === 'False') return { state: UiSyncState.Failed, decidedBy: ready };
  return { state: UiSyncState.Unknown };
}

/** What the conditions tell of the applied objects' health: only health failures count as Degraded. */
export function healthOf(view: GitSyncView, state: UiSyncState): UiHealth {
  const ready = condition(view, 'Ready');
  if (ready?.reason !== undefined && UNHEALTHY_REASONS.has(ready.reason)) return UiHealth.Degraded;
  if (state === UiSyncState.Ready) return UiHealth.Healthy;
  if (state === UiSyncState.Reconciling) return UiHealth.Progressing;
  return UiHealth.Unknown;
}

/** The Overview's row of a GitSync, read defensively from raw JSON. */
export function summarizeGitSync(object: GitSyncObject): UiGitSyncSummary {
  return summarizeView(viewGitSync(object));
}

export function summarizeView(view: GitSyncView): UiGitSyncSummary {
  const { state, decidedBy } = syncStateOf(view);
  const newest = view.history[0];
  const revision = view.lastAppliedRevision ?? view.lastAttemptedRevision;
  const short = shortRevision(revision);
  return {
    key: `${view.namespace}/${view.name}`,
    namespace: view.namespace,
    name: view.name,
    state,
    ...(decidedBy?.reason === undefined ? {} : { reason: decidedBy.reason }),
    ...(decidedBy?.message === undefined ? {} : { message: decidedBy.message }),
    health: healthOf(view, state),
    objects: view.inventoryCount ?? 0,
    suspended: view.suspended,
    ...(revision === undefined ? {} : { revision }),
    ...(short === undefined ? {} : { shortRevision: short }),
    ...(newest?.startedAt === undefined ? {} : { lastSyncAt: newest.startedAt }),
    ...(newest?.duration === undefined ? {} : { lastSyncDuration: newest.duration }),
    ...(view.sourceUrl === undefined ? {} : { sourceUrl: view.sourceUrl }),
  };
}
