import type { GitSyncObject } from './git-sync-api.js';
import { REQUESTED_AT_ANNOTATION } from './git-sync-api.js';
import { rollbackInEffect, rollbackOf, type RollbackRecord } from './rollback-pin.js';

export interface ConditionView {
  readonly type: string;
  readonly status: string;
  readonly reason?: string | undefined;
  readonly message?: string | undefined;
  readonly lastTransitionTime?: string | undefined;
}

export interface HistoryView {
  readonly revision?: string | undefined;
  readonly digest?: string | undefined;
  readonly result?: string | undefined;
  readonly startedAt?: string | undefined;
  readonly duration?: string | undefined;
  readonly objectsChanged?: number | undefined;
  /** Objects the attempt applied with a change (created or updated). */
  readonly applied?: number | undefined;
  readonly unchanged?: number | undefined;
  readonly pruned?: number | undefined;
  /** Chart sources: the chart rendered, `<name> <version>`. */
  readonly chart?: string | undefined;
}

/** What `sync list` and `sync status` show of a GitSync, read defensively from raw JSON (CRD status shape). */
export interface GitSyncView {
  readonly namespace: string;
  readonly name: string;
  readonly createdAt?: string | undefined;
  readonly generation?: number | undefined;
  readonly suspended: boolean;
  readonly sourceUrl?: string | undefined;
  readonly sourceRef?: string | undefined;
  readonly sourcePath?: string | undefined;
  /** `spec.source.chart`: `<name> <version or range>`. */
  readonly sourceChart?: string | undefined;
  /** `status.chart`: the chart the last attempt rendered, `<name> <version>`. */
  readonly chart?: string | undefined;
  readonly interval?: string | undefined;
  readonly requestedAt?: string | undefined;
  readonly observedGeneration?: number | undefined;
  readonly lastAppliedRevision?: string | undefined;
  readonly lastAttemptedRevision?: string | undefined;
  readonly inventoryCount?: number | undefined;
  readonly conditions: readonly ConditionView[];
  readonly history: readonly HistoryView[];
  /** The revision `gitseal sync rollback` pinned the GitSync to (annotation gitseal.dev/rollback). */
  readonly rollback?: string | undefined;
  /** False when the spec no longer says what the rollback set (e.g. put back by the GitSync that manages it). */
  readonly rollbackInEffect?: boolean | undefined;
}

type Json = Record<string, unknown>;

function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(record).filter((r): r is Json => r !== undefined) : [];
}

/** `<name> <version>` from a chart reference or status, or undefined without a name. */
function chartText(chart: Json | undefined, versionKey: string): string | undefined {
  const name = str(chart?.name);
  if (name === undefined) return undefined;
  const version = str(chart?.[versionKey]);
  return version === undefined ? name : `${name} ${version}`;
}

/** `branch main`, `tag v1`, `semver >=1 <2`, `commit abc1234` (several when the spec names several). */
function describeGitRef(ref: Json | undefined): string | undefined {
  if (ref === undefined) return undefined;
  const parts = ['branch', 'tag', 'semver', 'commit']
    .map((field) => [field, str(ref[field])] as const)
    .filter(([, value]) => value !== undefined)
    .map(([field, value]) => `${field} ${value}`);
  return parts.length === 0 ? undefined : parts.join(', ');
}

/** Only the fields the CLI prints, with anything of the wrong type treated as absent. */
export function viewGitSync(object: GitSyncObject): GitSyncView {
  const metadata = object.metadata ?? {};
  const spec = record(object.spec) ?? {};
  const status = record(object.status) ?? {};
  const source = record(spec.source);
  const inventory = record(status.inventory);
  const entries = inventory?.entries;
  return {
    namespace: metadata.namespace ?? '',
    name: metadata.name ?? '',
    createdAt: str(metadata.creationTimestamp),
    generation: num(metadata.generation),
    suspended: spec.suspend === true,
    sourceUrl: str(source?.url),
    sourceRef: describeGitRef(record(source?.ref)),
    sourcePath: str(source?.path),
    sourceChart: chartText(record(source?.chart), 'version'),
    chart: chartText(record(status.chart), 'version'),
    interval: str(spec.interval),
    requestedAt: str(record(metadata.annotations)?.[REQUESTED_AT_ANNOTATION]),
    observedGeneration: num(status.observedGeneration),
    lastAppliedRevision: str(status.lastAppliedRevision),
    lastAttemptedRevision: str(status.lastAttemptedRevision),
    inventoryCount: Array.isArray(entries) ? entries.length : undefined,
    conditions: records(status.conditions)
      .filter((c) => str(c.type) !== undefined)
      .map((c) => ({
        type: str(c.type) ?? '',
        status: str(c.status) ?? 'Unknown',
        reason: str(c.reason),
        message: str(c.message),
        lastTransitionTime: str(c.lastTransitionTime),
      })),
    history: records(status.history).map((h) => ({
      revision: str(h.revision),
      digest: str(h.digest),
      result: str(h.result),
      startedAt: str(h.startedAt),
      duration: str(h.duration),
      objectsChanged: num(h.objectsChanged),
      applied: num(h.applied),
      unchanged: num(h.unchanged),
      pruned: num(h.pruned),
      chart: str(h.chart),
    })),
    ...rollbackFields(object),
  };
}

function rollbackFields(object: GitSyncObject): { rollback?: string; rollbackInEffect?: boolean } {
  let pin: RollbackRecord | undefined;
  try {
    pin = rollbackOf(object);
  } catch {
    return { rollback: '(unreadable gitseal.dev/rollback annotation)', rollbackInEffect: false };
  }
  return pin === undefined ? {} : { rollback: pin.revision, rollbackInEffect: rollbackInEffect(object, pin) };
}

/** The Ready condition, when the controller wrote one. */
export function readyConditionOf(view: GitSyncView): ConditionView | undefined {
  return view.conditions.find((c) => c.type === 'Ready');
}

/** The Ready condition's status (`True`, `False`, `Unknown`), or `Unknown` before the controller wrote any. */
export function readyOf(view: GitSyncView): string {
  return view.conditions.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
}
