import { ConditionStatus, removeCondition, setCondition, type Condition } from '@gitseal/kube';
import type { GitSyncHistoryEntry, GitSyncStatus, InventoryEntry } from '@gitseal/manifests';
import { SyncReason, type SyncRevisionResult } from '@gitseal/sync';
import { formatDuration } from './duration.js';

export const GitSyncCondition = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  /** True while another field manager keeps changing back what this GitSync applied (self-heal backs off). */
  Contested: 'Contested',
} as const;

/** Reasons of the GitSync reconciler itself, beside the sync engine's SyncReason. */
export const GitSyncReason = {
  Succeeded: 'ReconciliationSucceeded',
  Progressing: 'Progressing',
  DependencyNotReady: 'DependencyNotReady',
  /** The Event of a deleted GitSync: what was pruned, or why nothing was. */
  Deleted: 'Deleted',
  /** The Contested condition and its Event: another field manager fights over an applied field. */
  FieldManagerConflict: 'FieldManagerConflict',
} as const;

/** Failures that a retry of the same revision cannot fix: Stalled until Git or the spec changes. */
const STALLING: ReadonlySet<string> = new Set([
  SyncReason.SealedSecretUndecryptable,
  SyncReason.PlaintextSecretInGit,
  SyncReason.InvalidManifest,
  SyncReason.DuplicateObject,
  SyncReason.ProtectedObject,
  SyncReason.ObjectOutsideNamespace,
  SyncReason.OwnershipConflict,
]);

export const MAX_HISTORY = 10;

/** The status fields the reconciler owns, as stored (conditions in the kube layer's shape). */
export type GitSyncStatusView = Omit<GitSyncStatus, 'conditions' | 'chart'> & {
  conditions?: Condition[];
  /** null clears it in the merge patch (a source that is no longer a chart). */
  chart?: GitSyncStatus['chart'] | null;
};

/** The `gitseal.dev/requested-at` value the reconcile started with: handled once it has an outcome. */
type Handles = { readonly requestedAt?: string | undefined };

export type GitSyncOutcome =
  | { readonly kind: 'reconciling' }
  | ({ readonly kind: 'waiting'; readonly reason: string; readonly message: string } & Handles)
  | ({
      readonly kind: 'failed';
      readonly reason: string;
      readonly message: string;
      readonly stalled?: boolean;
    } & Handles)
  | ({
      readonly kind: 'synced';
      readonly result: SyncRevisionResult;
      readonly startedAt: Date;
      /** Contested=True with this message (names the object and the other field managers); absent removes it. */
      readonly contested?: string;
    } & Handles);

function historyEntry(result: SyncRevisionResult, startedAt: Date): GitSyncHistoryEntry {
  return {
    revision: result.revision,
    ...(result.digest ? { digest: result.digest } : {}),
    result: result.result,
    startedAt: startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    duration: formatDuration(result.durationMs),
    objectsChanged: result.applied + result.pruned,
    applied: result.applied,
    unchanged: result.unchanged,
    pruned: result.pruned,
    ...(result.chart ? { chart: `${result.chart.name} ${result.chart.version}` } : {}),
  };
}

/**
 * Newest first, at most 10. A repeat of the newest attempt (same revision, digest and result) replaces it, and
 * one that changed nothing leaves the history as it is, so a no-op resync writes no status.
 */
export function nextHistory(
  history: readonly GitSyncHistoryEntry[] | undefined,
  entry: GitSyncHistoryEntry,
): GitSyncHistoryEntry[] {
  const list = history ?? [];
  const [top, ...rest] = list;
  const same = top && top.revision === entry.revision && top.digest === entry.digest && top.result === entry.result;
  if (same && (entry.objectsChanged ?? 0) === 0) return [...list];
  return [entry, ...(same ? rest : list)].slice(0, MAX_HISTORY);
}

/**
 * The conditions of one status step: every condition it sets carries the step's generation and time, and keeps its
 * lastTransitionTime while its status holds (setCondition).
 */
class StepConditions {
  #list: Condition[];
  readonly #generation: number | undefined;
  readonly #now: Date;

  constructor(list: Condition[] | undefined, generation: number | undefined, now: Date) {
    this.#list = list ?? [];
    this.#generation = generation;
    this.#now = now;
  }

  set(type: string, status: ConditionStatus, reason: string, message: string): this {
    const observed = this.#generation === undefined ? {} : { observedGeneration: this.#generation };
    this.#list = setCondition(this.#list, { type, status, reason, message, ...observed }, this.#now);
    return this;
  }

  remove(type: string): this {
    this.#list = removeCondition(this.#list, type);
    return this;
  }

  /** Stalled=True with the failure when a retry of the same revision cannot fix it, else no Stalled condition. */
  stalledIf(stalled: boolean, reason: string, message: string): this {
    return stalled
      ? this.set(GitSyncCondition.Stalled, 'True', reason, message)
      : this.remove(GitSyncCondition.Stalled);
  }

  /** Contested=True with `message`, or no Contested condition when there is none. */
  contested(message: string | undefined): this {
    if (message === undefined) return this.remove(GitSyncCondition.Contested);
    return this.set(GitSyncCondition.Contested, 'True', GitSyncReason.FieldManagerConflict, message);
  }

  get list(): Condition[] {
    return this.#list;
  }
}

/**
 * The status after one step of a reconcile (pure). An outcome other than `reconciling` also records the request it
 * handled (status.lastHandledRequestedAt).
 */
export function gitSyncStatus(
  current: GitSyncStatusView | undefined,
  generation: number | undefined,
  outcome: GitSyncOutcome,
  now: Date = new Date(),
): GitSyncStatusView {
  const status = stepStatus(current, generation, outcome, now);
  return outcome.kind === 'reconciling' ? status : withHandledRequest(status, outcome.requestedAt);
}

function stepStatus(
  current: GitSyncStatusView | undefined,
  generation: number | undefined,
  outcome: GitSyncOutcome,
  now: Date,
): GitSyncStatusView {
  const base: GitSyncStatusView = { ...current };
  const observed = generation === undefined ? {} : { observedGeneration: generation };
  const c = new StepConditions(current?.conditions, generation, now);
  switch (outcome.kind) {
    case 'reconciling':
      c.set(GitSyncCondition.Reconciling, 'True', GitSyncReason.Progressing, 'sync in progress');
      return { ...base, conditions: c.remove(GitSyncCondition.Stalled).list };
    case 'waiting':
      c.set(GitSyncCondition.Ready, 'False', outcome.reason, outcome.message);
      c.set(GitSyncCondition.Reconciling, 'True', outcome.reason, outcome.message);
      return { ...base, conditions: c.remove(GitSyncCondition.Stalled).list, ...observed };
    case 'failed':
      c.set(GitSyncCondition.Ready, 'False', outcome.reason, outcome.message).remove(GitSyncCondition.Reconciling);
      c.stalledIf(outcome.stalled === true, outcome.reason, outcome.message);
      return { ...base, conditions: c.list, ...observed };
    case 'synced':
      return syncedStatus(current, base, observed, outcome, c);
  }
}

function syncedStatus(
  current: GitSyncStatusView | undefined,
  base: GitSyncStatusView,
  observed: { observedGeneration?: number },
  outcome: Extract<GitSyncOutcome, { kind: 'synced' }>,
  c: StepConditions,
): GitSyncStatusView {
  const { result } = outcome;
  const entry = (e: InventoryEntry): InventoryEntry => ({ id: e.id, v: e.v });
  const inventory = {
    entries: result.inventory.map(entry),
    // A merge patch keeps a key it is not given: once written, pending is always written (empty to clear it).
    ...(result.pending.length > 0 || current?.inventory?.pending ? { pending: result.pending.map(entry) } : {}),
  };
  const history = result.revision
    ? nextHistory(current?.history, historyEntry(result, outcome.startedAt))
    : current?.history;
  const status: GitSyncStatusView = {
    ...base,
    inventory,
    ...(history ? { history } : {}),
    ...observed,
    ...(result.revision ? { lastAttemptedRevision: result.revision } : {}),
    ...(result.chart
      ? { chart: { name: result.chart.name, version: result.chart.version } }
      : current?.chart
        ? { chart: null }
        : {}),
  };
  c.remove(GitSyncCondition.Reconciling).contested(outcome.contested);
  if (result.result === 'Succeeded') {
    status.lastAppliedRevision = result.revision;
    c.set(GitSyncCondition.Ready, 'True', GitSyncReason.Succeeded, `Applied revision: ${result.revision}`);
    c.remove(GitSyncCondition.Stalled);
  } else {
    const reason = result.reason ?? SyncReason.ApplyFailed;
    const message = failureMessage(result);
    c.set(GitSyncCondition.Ready, 'False', reason, message).stalledIf(STALLING.has(reason), reason, message);
  }
  return { ...status, conditions: c.list };
}

/**
 * What the Ready message adds when the head failed before its first write and drift was undone to the last
 * applied revision (stable from run to run, so it announces no new Event by itself).
 */
export function healNote(result: Pick<SyncRevisionResult, 'healed'>): string {
  const healed = result.healed;
  if (!healed) return '';
  if (healed.failed !== undefined) {
    return `; drift not corrected to the last applied revision ${healed.revision}: ${healed.failed}`;
  }
  return `; drift is corrected to the last applied revision ${healed.revision}`;
}

/** The Ready message of a failed sync: its one-line message, and where drift was undone to meanwhile. */
function failureMessage(result: SyncRevisionResult): string {
  return `${result.message ?? 'sync failed'}${healNote(result)}`;
}

/** Longest `gitseal.dev/requested-at` value echoed into status.lastHandledRequestedAt (the CRD's cap). */
export const MAX_REQUESTED_AT_LENGTH = 256;

/**
 * The status with `lastHandledRequestedAt` set to the `gitseal.dev/requested-at` value the reconcile started
 * with (Flux's lastHandledReconcileAt): `gitseal sync now --wait` and scripts wait for it. A value too long for
 * the CRD is not echoed.
 */
export function withHandledRequest(status: GitSyncStatusView, requestedAt: string | undefined): GitSyncStatusView {
  if (requestedAt === undefined || requestedAt.length > MAX_REQUESTED_AT_LENGTH) return status;
  return { ...status, lastHandledRequestedAt: requestedAt };
}
