import { CliError } from './cli-error.js';
import { REQUESTED_AT_ANNOTATION, type GitSyncObject } from './git-sync-api.js';
import { printable } from './printable.js';

/**
 * Set by `gitseal sync rollback --to`: what the GitSync is pinned to and what its source said before, so that
 * `--resume` restores exactly that. JSON, see {@link RollbackRecord}.
 */
export const ROLLBACK_ANNOTATION = 'gitseal.dev/rollback';

/** The value of {@link ROLLBACK_ANNOTATION}. */
export interface RollbackRecord {
  /** The `status.history` revision pinned, e.g. `main@sha1:<commit>` or `1.2.3@sha256:<digest>`. */
  readonly revision: string;
  /** Git sources: the commit pinned (spec.source.ref.commit). */
  readonly commit?: string;
  /** Git sources: spec.source.ref before the first rollback (null: none was set). */
  readonly ref?: Record<string, string> | null;
  /** Chart sources: the version pinned (spec.source.chart.version). */
  readonly version?: string;
  /** Chart sources: spec.source.chart.version before the first rollback (null: none was set). */
  readonly chartVersion?: string | null;
}

/** A revision of the history picked by `--to`. */
export interface RollbackTarget {
  readonly revision: string;
  readonly commit?: string;
  readonly version?: string;
}

type Json = Record<string, unknown>;

const record = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

const GIT_REVISION = /^(?:[^@\s]+@)?(?:sha1|sha256):([0-9a-f]{40}|[0-9a-f]{64})$/;
const CHART_REVISION = /^([^@\s]+)@sha256:[0-9a-f]{64}$/;
const MIN_PREFIX = 4;

function sourceOf(object: GitSyncObject): Json {
  return record(record(object.spec)?.['source']) ?? {};
}

/** A chart source (spec.source.chart) rather than a Git repository. */
function isChartSource(object: GitSyncObject): boolean {
  return record(sourceOf(object)['chart']) !== undefined;
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  const r = record(value);
  if (r === undefined) return undefined;
  return Object.fromEntries(Object.entries(r).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** What `revision` pins: a Git commit or a chart version; undefined for a revision of the other kind. */
function targetOf(revision: string, chart: boolean): RollbackTarget | undefined {
  if (chart) {
    const version = CHART_REVISION.exec(revision)?.[1];
    return version === undefined ? undefined : { revision, version };
  }
  const commit = GIT_REVISION.exec(revision)?.[1];
  return commit === undefined ? undefined : { revision, commit };
}

/**
 * The history revision `to` names: the revision as status shows it, a commit id or a unique prefix of at least 4
 * hex digits (Git sources), or a chart version (chart sources). Anything else is refused, naming `to`.
 */
export function pickRevision(object: GitSyncObject, to: string): RollbackTarget {
  const what = `GitSync ${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
  const chart = isChartSource(object);
  const history = Array.isArray(record(object.status)?.['history']) ? (object.status?.['history'] as unknown[]) : [];
  const targets = history
    .map((h) => record(h)?.['revision'])
    .filter((r): r is string => typeof r === 'string')
    .map((r) => targetOf(r, chart))
    .filter((t): t is RollbackTarget => t !== undefined);
  const wanted = to.trim().toLowerCase();
  const matches = (t: RollbackTarget): boolean =>
    t.revision === to ||
    (t.commit !== undefined &&
      wanted.length >= MIN_PREFIX &&
      /^[0-9a-f]+$/.test(wanted) &&
      t.commit.startsWith(wanted)) ||
    (t.version !== undefined && t.version === to);
  const found = new Map<string, RollbackTarget>();
  for (const t of targets.filter(matches)) {
    const key = t.commit ?? t.version ?? t.revision;
    if (!found.has(key)) found.set(key, t);
  }
  if (found.size === 0) {
    throw new CliError(
      `${what}: revision "${printable(to, 80)}" is not in its history (see gitseal sync history ${object.metadata?.name ?? ''})`,
    );
  }
  if (found.size > 1) {
    const names = [...found.values()].map((t) => t.revision).join(', ');
    throw new CliError(`${what}: revision "${printable(to, 80)}" is ambiguous: ${names}`);
  }
  return [...found.values()][0] as RollbackTarget;
}

/** The rollback annotation of a GitSync; undefined when absent, a CliError when it is not what rollback writes. */
export function rollbackOf(object: GitSyncObject): RollbackRecord | undefined {
  const value = object.metadata?.annotations?.[ROLLBACK_ANNOTATION];
  if (value === undefined) return undefined;
  const what = `GitSync ${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  const r = record(parsed);
  if (r === undefined || typeof r['revision'] !== 'string') {
    throw new CliError(`${what}: annotation ${ROLLBACK_ANNOTATION} is not what gitseal sync rollback writes`);
  }
  const ref = r['ref'] === null ? null : stringRecord(r['ref']);
  const chartVersion = r['chartVersion'];
  return {
    revision: r['revision'],
    ...(typeof r['commit'] === 'string' ? { commit: r['commit'] } : {}),
    ...(ref === undefined ? {} : { ref }),
    ...(typeof r['version'] === 'string' ? { version: r['version'] } : {}),
    ...(typeof chartVersion === 'string' || chartVersion === null ? { chartVersion } : {}),
  };
}

/** Whether the spec still says what the rollback set (a GitSync managed by another one may have been put back). */
export function rollbackInEffect(object: GitSyncObject, pin: RollbackRecord): boolean {
  const source = sourceOf(object);
  if (pin.commit !== undefined) return record(source['ref'])?.['commit'] === pin.commit;
  if (pin.version !== undefined) return record(source['chart'])?.['version'] === pin.version;
  return false;
}

/** A merge patch that makes `current` exactly `wanted` (keys only in `current` become null). */
function exactly(current: Json | undefined, wanted: Record<string, string>): Json {
  const nulls = Object.fromEntries(Object.keys(current ?? {}).map((k) => [k, null]));
  return { ...nulls, ...wanted };
}

/**
 * The merge patch of `sync rollback --to`: pins spec.source.ref.commit (with the branch, if the source names one:
 * commit combines with a branch only) or spec.source.chart.version, remembers the source as it was before the first
 * rollback in {@link ROLLBACK_ANNOTATION}, and asks for a sync (requested-at). `metadata.resourceVersion` makes
 * the patch fail rather than overwrite a change made meanwhile.
 */
export function rollbackPatch(object: GitSyncObject, target: RollbackTarget, requestedAt: string): Json {
  const earlier = rollbackOf(object);
  const source = sourceOf(object);
  let spec: Json;
  let pin: RollbackRecord;
  if (target.version !== undefined) {
    const chart = record(source['chart']);
    const before = typeof chart?.['version'] === 'string' ? chart['version'] : null;
    const chartVersion = earlier && 'chartVersion' in earlier ? (earlier.chartVersion ?? null) : before;
    spec = { source: { chart: { version: target.version } } };
    pin = { revision: target.revision, version: target.version, chartVersion };
  } else {
    const current = stringRecord(source['ref']);
    const ref = earlier && 'ref' in earlier ? (earlier.ref ?? null) : (current ?? null);
    const branch = ref?.['branch'];
    const wanted = { ...(branch === undefined ? {} : { branch }), commit: target.commit ?? '' };
    spec = { source: { ref: exactly(current, wanted) } };
    pin = { revision: target.revision, commit: target.commit ?? '', ref };
  }
  return {
    metadata: {
      resourceVersion: object.metadata?.resourceVersion,
      annotations: { [ROLLBACK_ANNOTATION]: JSON.stringify(pin), [REQUESTED_AT_ANNOTATION]: requestedAt },
    },
    spec,
  };
}

/**
 * The merge patch of `sync rollback --resume`: the source as it was before the first rollback, the annotation
 * removed, a sync requested. A GitSync not pinned by rollback is refused.
 */
export function resumePatch(object: GitSyncObject, requestedAt: string): Json {
  const pin = rollbackOf(object);
  if (pin === undefined) {
    throw new CliError(
      `GitSync ${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}: not pinned by gitseal sync rollback`,
    );
  }
  const source = sourceOf(object);
  const spec =
    pin.version !== undefined || 'chartVersion' in pin
      ? { source: { chart: { version: pin.chartVersion ?? null } } }
      : { source: { ref: pin.ref ? exactly(record(source['ref']), pin.ref) : null } };
  return {
    metadata: {
      resourceVersion: object.metadata?.resourceVersion,
      annotations: { [ROLLBACK_ANNOTATION]: null, [REQUESTED_AT_ANNOTATION]: requestedAt },
    },
    spec,
  };
}
