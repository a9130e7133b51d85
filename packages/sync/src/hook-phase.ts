import { createHash } from 'node:crypto';
import { describeObjectInFile, type KubeObject } from '@gitseal/manifests';
import { applyTierOf, type ApplyTier } from './apply-order.js';
import { groupOf } from './object-ref.js';
import type { RenderedObject } from './render.js';
import { SyncError, SyncErrorCode } from './sync-error.js';
import { annotationOf, ARGOCD_SYNC_WAVE_ANNOTATION, SYNC_WAVE_ANNOTATION, syncWaveOf } from './sync-wave.js';

/** gitseal's hook annotation: a comma-separated list of phases, or `Skip`. */
export const HOOK_ANNOTATION = 'gitseal.dev/hook';
export const ARGOCD_HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
/** A comma-separated list of delete policies; default `BeforeHookCreation` (as Argo CD). */
export const HOOK_DELETE_POLICY_ANNOTATION = 'gitseal.dev/hook-delete-policy';
export const ARGOCD_HOOK_DELETE_POLICY_ANNOTATION = 'argocd.argoproj.io/hook-delete-policy';
/** Helm's hook annotations, mapped onto the phases when neither gitseal's nor Argo CD's is set (see helmHookOf). */
export const HELM_HOOK_ANNOTATION = 'helm.sh/hook';
export const HELM_HOOK_DELETE_POLICY_ANNOTATION = 'helm.sh/hook-delete-policy';
export const HELM_HOOK_WEIGHT_ANNOTATION = 'helm.sh/hook-weight';
/** Label on every hook gitseal creates: the sync label value of its GitSync (hooks do not carry the sync label). */
export const HOOK_OF_LABEL = 'gitseal.dev/hook-of';
/** Label on every hook gitseal creates: which hook of the revision it is (see hookKey). */
export const HOOK_LABEL = 'gitseal.dev/hook';

export const HookPhase = {
  /** Before anything of the main phase is written; a failure stops the revision. */
  PreSync: 'PreSync',
  /** In the main phase, with the objects of its wave. */
  Sync: 'Sync',
  /** After every wave is applied and healthy. */
  PostSync: 'PostSync',
  /** When the revision fails from PreSync on. */
  SyncFail: 'SyncFail',
} as const;
export type HookPhase = (typeof HookPhase)[keyof typeof HookPhase];

export const HookDeletePolicy = {
  BeforeHookCreation: 'BeforeHookCreation',
  HookSucceeded: 'HookSucceeded',
  HookFailed: 'HookFailed',
} as const;
export type HookDeletePolicy = (typeof HookDeletePolicy)[keyof typeof HookDeletePolicy];

const PHASES: ReadonlySet<string> = new Set(Object.values(HookPhase));
const POLICIES: ReadonlySet<string> = new Set(Object.values(HookDeletePolicy));
const UNSUPPORTED: ReadonlySet<string> = new Set(['PreDelete', 'PostDelete']);
const SKIP = 'Skip';

/** A hook of the revision, ready to run. */
export interface PlannedHook extends RenderedObject {
  readonly phases: readonly HookPhase[];
  readonly policies: readonly HookDeletePolicy[];
  readonly wave: number;
  readonly tier: ApplyTier;
  /** Stable identity across revisions (see hookKey). */
  readonly key: string;
}

/** A rendered revision split by what happens to each object. */
export interface SplitRevision {
  /** Ordinary objects: applied in waves, in the inventory, pruned when gone. */
  readonly main: readonly RenderedObject[];
  /** Hooks: created afresh when the revision runs its hooks, never in the inventory. */
  readonly hooks: readonly PlannedHook[];
  /** Annotated `Skip`: neither applied nor tracked. */
  readonly skipped: readonly RenderedObject[];
}

const csv = (value: string): string[] =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

/** Helm's hook events as sync phases: install and upgrade map onto a sync; delete and rollback never run. */
const HELM_PHASES: Readonly<Record<string, HookPhase | undefined>> = {
  'pre-install': HookPhase.PreSync,
  'pre-upgrade': HookPhase.PreSync,
  'post-install': HookPhase.PostSync,
  'post-upgrade': HookPhase.PostSync,
  // Present only with spec.helm.skipTests false: run after the release, as `helm test` would.
  test: HookPhase.PostSync,
  'test-success': HookPhase.PostSync,
  'pre-delete': undefined,
  'post-delete': undefined,
  'pre-rollback': undefined,
  'post-rollback': undefined,
};
const HELM_POLICIES: Readonly<Record<string, HookDeletePolicy>> = {
  'before-hook-creation': HookDeletePolicy.BeforeHookCreation,
  'hook-succeeded': HookDeletePolicy.HookSucceeded,
  'hook-failed': HookDeletePolicy.HookFailed,
};

interface HelmHook {
  /** Empty: a delete or rollback hook only, which a sync never runs (neither applied nor tracked). */
  readonly phases: readonly HookPhase[];
  readonly policies: readonly HookDeletePolicy[];
  readonly weight: number | undefined;
}

/**
 * A Helm hook (`helm.sh/hook`) as gitseal runs it: `pre-install`/`pre-upgrade` → PreSync, `post-install`/
 * `post-upgrade` (and test hooks when the chart's tests are kept) → PostSync, `helm.sh/hook-delete-policy` mapped
 * onto the delete policies (default before-hook-creation, as Helm), `helm.sh/hook-weight` ordering hooks like a wave.
 */
export function helmHookOf(item: RenderedObject): HelmHook | undefined {
  const annotations = item.object.metadata?.annotations ?? {};
  const value = annotations[HELM_HOOK_ANNOTATION];
  if (typeof value !== 'string') return undefined;
  const phases = new Set<HookPhase>();
  for (const event of csv(value)) {
    if (!(event in HELM_PHASES)) throw invalid(item, `unknown helm.sh/hook "${event}"`);
    const phase = HELM_PHASES[event];
    if (phase) phases.add(phase);
  }
  const policyValue = annotations[HELM_HOOK_DELETE_POLICY_ANNOTATION];
  const policies = typeof policyValue === 'string' ? csv(policyValue) : [];
  for (const policy of policies) {
    if (!(policy in HELM_POLICIES)) throw invalid(item, `unknown helm.sh/hook-delete-policy "${policy}"`);
  }
  const weightValue = annotations[HELM_HOOK_WEIGHT_ANNOTATION];
  const weight = typeof weightValue === 'string' ? Number(weightValue.trim()) : undefined;
  if (weight !== undefined && !Number.isInteger(weight)) throw invalid(item, 'helm.sh/hook-weight must be an integer');
  return {
    phases: [...phases],
    policies:
      policies.length === 0
        ? [HookDeletePolicy.BeforeHookCreation]
        : [...new Set(policies.map((p) => HELM_POLICIES[p] as HookDeletePolicy))],
    weight,
  };
}

/** Whether an object carries a hook annotation naming at least one phase (`Skip` alone is not a hook). */
export function isHookObject(object: KubeObject): boolean {
  const value = annotationOf(object, HOOK_ANNOTATION, ARGOCD_HOOK_ANNOTATION);
  if (value !== undefined) return csv(value).some((part) => part !== SKIP);
  const helm = object.metadata?.annotations?.[HELM_HOOK_ANNOTATION];
  return typeof helm === 'string' && csv(helm).some((event) => HELM_PHASES[event] !== undefined);
}

/** True for an object that names itself only through `metadata.generateName`. */
export function hasGenerateNameOnly(object: KubeObject): boolean {
  const { name, generateName } = object.metadata ?? {};
  return (name === undefined || name === '') && typeof generateName === 'string' && generateName !== '';
}

/**
 * `sha256` over the hook's kind, namespace and name (or generateName), 16 hex digits: a label value that finds the
 * instances an earlier revision created of the same hook.
 */
export function hookKey(object: KubeObject): string {
  const { namespace = '', name, generateName = '' } = object.metadata ?? {};
  const id = `${groupOf(object.apiVersion)}/${object.kind}/${namespace}/${name || `${generateName}*`}`;
  return createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 16);
}

function invalid(item: RenderedObject, what: string): SyncError {
  return new SyncError(SyncErrorCode.InvalidManifest, `${describeObjectInFile(item.object, item.source)}: ${what}`);
}

function phasesOf(item: RenderedObject, value: string): HookPhase[] | 'Skip' {
  const parts = csv(value);
  for (const part of parts) {
    if (UNSUPPORTED.has(part)) throw invalid(item, `hook ${part} is not supported (gitseal runs no delete hooks)`);
    if (part !== SKIP && !PHASES.has(part)) {
      throw invalid(item, `unknown hook "${part}" (use PreSync, Sync, PostSync, SyncFail or Skip)`);
    }
  }
  const phases = [...new Set(parts.filter((p) => p !== SKIP))] as HookPhase[];
  // As Argo CD: Skip only counts when it is the only value.
  if (phases.length === 0) {
    if (parts.length === 0) throw invalid(item, 'hook annotation is empty');
    return SKIP;
  }
  return phases;
}

function policiesOf(item: RenderedObject): HookDeletePolicy[] {
  const value = annotationOf(item.object, HOOK_DELETE_POLICY_ANNOTATION, ARGOCD_HOOK_DELETE_POLICY_ANNOTATION);
  if (value === undefined) return [HookDeletePolicy.BeforeHookCreation];
  const parts = csv(value);
  for (const part of parts) {
    if (!POLICIES.has(part)) {
      throw invalid(item, `unknown hook delete policy "${part}" (use BeforeHookCreation, HookSucceeded or HookFailed)`);
    }
  }
  if (parts.length === 0) return [HookDeletePolicy.BeforeHookCreation];
  return [...new Set(parts)] as HookDeletePolicy[];
}

/**
 * Splits a rendered revision into ordinary objects, hooks and skipped objects, reading gitseal's and Argo CD's
 * annotations alike. Throws an InvalidManifest SyncError naming the file and object for an unknown phase or
 * policy, a bad wave, or `generateName` on an object that is not a hook.
 */
export function splitRevision(objects: readonly RenderedObject[]): SplitRevision {
  const main: RenderedObject[] = [];
  const hooks: PlannedHook[] = [];
  const skipped: RenderedObject[] = [];
  for (const item of objects) {
    const wave = syncWaveOf(item);
    const value = annotationOf(item.object, HOOK_ANNOTATION, ARGOCD_HOOK_ANNOTATION);
    const phases = value === undefined ? undefined : phasesOf(item, value);
    const helm = value === undefined ? helmHookOf(item) : undefined;
    if (phases === SKIP || helm?.phases.length === 0) {
      skipped.push(item);
    } else if (phases || helm) {
      const hasWave = annotationOf(item.object, SYNC_WAVE_ANNOTATION, ARGOCD_SYNC_WAVE_ANNOTATION) !== undefined;
      hooks.push({
        ...item,
        phases: phases || helm?.phases || [],
        policies: phases ? policiesOf(item) : (helm?.policies ?? []),
        wave: !hasWave && helm?.weight !== undefined ? helm.weight : wave,
        tier: applyTierOf(item.object),
        key: hookKey(item.object),
      });
    } else if (hasGenerateNameOnly(item.object)) {
      throw invalid(item, 'metadata.name is missing (generateName is only allowed on hooks)');
    } else {
      main.push(item);
    }
  }
  return { main, hooks, skipped };
}

/** The hooks of one phase in run order: wave, then apply tier (kind), then name, then position. */
export function hooksOf(hooks: readonly PlannedHook[], phase: HookPhase): PlannedHook[] {
  const nameOf = (h: PlannedHook): string => h.object.metadata?.name || h.object.metadata?.generateName || '';
  return hooks
    .map((hook, position) => ({ hook, position }))
    .filter(({ hook }) => hook.phases.includes(phase))
    .sort(
      (a, b) =>
        a.hook.wave - b.hook.wave ||
        a.hook.tier - b.hook.tier ||
        (nameOf(a.hook) < nameOf(b.hook) ? -1 : nameOf(a.hook) > nameOf(b.hook) ? 1 : 0) ||
        a.position - b.position,
    )
    .map(({ hook }) => hook);
}

/**
 * What preflight and the tenancy check see of a revision: every object, with a `generateName` hook standing in
 * under the name `<generateName>*` (so that its messages name it and duplicates are still found).
 */
export function objectsToCheck(objects: readonly RenderedObject[]): RenderedObject[] {
  return objects.map((item) => {
    if (!hasGenerateNameOnly(item.object)) return item;
    const metadata = item.object.metadata ?? {};
    return { ...item, object: { ...item.object, metadata: { ...metadata, name: `${metadata.generateName}*` } } };
  });
}
