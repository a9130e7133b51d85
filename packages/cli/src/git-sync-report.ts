import type { ReportValue } from './cli-report.js';
import { orNull } from './cli-report.js';
import { readyConditionOf, readyOf, type GitSyncView } from './git-sync-view.js';

type Report = { readonly [key: string]: ReportValue };

/** One item of `sync list -o json|yaml` (kind GitSyncList). */
export function gitSyncListItem(view: GitSyncView): Report {
  const ready = readyConditionOf(view);
  return {
    namespace: view.namespace,
    name: view.name,
    ready: readyOf(view),
    reason: orNull(ready?.reason),
    message: orNull(ready?.message),
    revision: orNull(view.lastAppliedRevision),
    suspended: view.suspended,
    createdAt: orNull(view.createdAt),
  };
}

/** `sync status NAME -o json|yaml` (kind GitSyncStatus). */
export function gitSyncStatusReport(view: GitSyncView): Report {
  return {
    ...gitSyncListItem(view),
    source: {
      url: orNull(view.sourceUrl),
      ref: orNull(view.sourceRef),
      path: orNull(view.sourcePath),
      chart: orNull(view.sourceChart),
    },
    interval: orNull(view.interval),
    chart: orNull(view.chart),
    lastAppliedRevision: orNull(view.lastAppliedRevision),
    lastAttemptedRevision: orNull(view.lastAttemptedRevision),
    generation: orNull(view.generation),
    observedGeneration: orNull(view.observedGeneration),
    inventoryCount: orNull(view.inventoryCount),
    requestedAt: orNull(view.requestedAt),
    conditions: view.conditions.map((c) => ({
      type: c.type,
      status: c.status,
      reason: orNull(c.reason),
      message: orNull(c.message),
      lastTransitionTime: orNull(c.lastTransitionTime),
    })),
    history: view.history.map((h) => ({
      revision: orNull(h.revision),
      digest: orNull(h.digest),
      result: orNull(h.result),
      startedAt: orNull(h.startedAt),
      duration: orNull(h.duration),
      objectsChanged: orNull(h.objectsChanged),
      applied: orNull(h.applied),
      unchanged: orNull(h.unchanged),
      pruned: orNull(h.pruned),
    })),
  };
}
