import type { HealthCheckSpec, KubeObject } from '@gitseal/manifests';
import { applyObjects, type ApplyObjectsInput } from './apply-objects.js';
import { ApplyTier } from './apply-order.js';
import { applyWaves } from './apply-waves.js';
import { dryRunObjects } from './dry-run-objects.js';
import { ensureTargetNamespace } from './ensure-namespace.js';
import { HookPhase, hooksOf, type PlannedHook } from './hook-phase.js';
import type { ObjectApi } from './live-objects.js';
import { groupOf } from './object-ref.js';
import { runHookList, type HookRunContext } from './run-hooks.js';
import { SyncError, SyncErrorCode } from './sync-error.js';
import { waitHealthy } from './wait-healthy.js';

export interface SyncPhasesInput extends ApplyObjectsInput {
  /** Deletes hooks (the GitSync's identity). */
  readonly client: ObjectApi;
  /** The GitSync's sync label value. */
  readonly label: string;
  /** The revision's hooks (splitRevision). */
  readonly hooks: readonly PlannedHook[];
  /** Whether this run runs hooks: once per new revision digest (see docs/gitsync.md, "Hooks"). */
  readonly runHooks: boolean;
  /** spec.targetNamespace and spec.createNamespace. */
  readonly targetNamespace?: string;
  readonly createNamespace?: boolean;
  /** Reports the stage the run is in ('apply', 'hooks', 'health'). */
  readonly onStage?: (stage: 'apply' | 'hooks' | 'health') => void;
  readonly onHookCreated?: (hook: KubeObject) => void;
  readonly pollMs?: number;
  /** The GitSync's spec.healthChecks, for every health wait of the run. */
  readonly healthChecks?: readonly HealthCheckSpec[];
}

export interface SyncPhasesResult {
  readonly applied: readonly string[];
  readonly unchanged: readonly string[];
  /** Hooks created (all phases). */
  readonly hooks: number;
}

export function hookContext(input: SyncPhasesInput, deadline = input.deadline): HookRunContext {
  return {
    applier: input.applier,
    client: input.client,
    reader: input.reader,
    label: input.label,
    deadline,
    ...(input.pollMs ? { pollMs: input.pollMs } : {}),
    ...(input.onHookCreated ? { onCreate: input.onHookCreated } : {}),
  };
}

const isFoundation = (tier: ApplyTier): boolean => tier === ApplyTier.Crds || tier === ApplyTier.Namespaces;

/**
 * The writing part of a revision's life: targetNamespace (spec.createNamespace) → the CRDs and Namespaces it
 * defines → a server-side dry run of every other object that would change (any refusal fails the revision before
 * its first write) → PreSync hooks → the other objects wave by wave (each wave healthy before the next one writes; Sync
 * hooks with their wave) → every object healthy, then PostSync hooks. Hooks run only when `runHooks`. A failing
 * PreSync hook throws before anything of the main phase is written.
 */
export async function applySyncPhases(input: SyncPhasesInput): Promise<SyncPhasesResult> {
  const stage = input.onStage ?? (() => undefined);
  const ctx = hookContext(input);
  const defined = input.objects.some(
    (p) =>
      groupOf(p.object.apiVersion) === '' &&
      p.object.kind === 'Namespace' &&
      p.object.metadata?.name === input.targetNamespace,
  );
  await ensureTargetNamespace({
    applier: input.applier,
    reader: input.reader,
    ...(input.targetNamespace ? { namespace: input.targetNamespace } : {}),
    create: input.createNamespace === true,
    definedInRevision: defined,
    label: input.label,
  });
  const foundation = input.objects.filter((p) => isFoundation(p.tier));
  const rest = input.objects.filter((p) => !isFoundation(p.tier));
  const first = await applyObjects({ ...input, objects: foundation });
  // Everything else that would change is validated by the API server before the first real write of it.
  const checked = await dryRunObjects({ ...input, objects: rest });
  let hooks = 0;
  const phase = (p: HookPhase) => (input.runHooks ? hooksOf(input.hooks, p) : []);
  const preSync = phase(HookPhase.PreSync);
  if (preSync.length > 0) {
    stage('hooks');
    hooks += await runHookList(ctx, HookPhase.PreSync, preSync);
  }
  stage('apply');
  const waves = await applyWaves({
    ...input,
    objects: rest,
    // Apply compares these answers with the live objects instead of asking the API server again.
    dryRunResults: checked.results,
    syncHooks: phase(HookPhase.Sync),
    runSyncHooks: async (list) => (hooks += await runHookList(ctx, HookPhase.Sync, list)),
  });
  const postSync = phase(HookPhase.PostSync);
  if (postSync.length > 0) {
    stage('health');
    const health = await waitHealthy({
      reader: input.reader,
      objects: input.objects.map((p) => p.object),
      deadline: input.deadline,
      ...(input.healthChecks ? { healthChecks: input.healthChecks } : {}),
    });
    if (!health.healthy) throw new SyncError(SyncErrorCode.Unhealthy, `before the PostSync hooks: ${health.message}`);
    stage('hooks');
    hooks += await runHookList(ctx, HookPhase.PostSync, postSync);
  }
  return {
    applied: [...first.applied, ...waves.applied],
    unchanged: [...first.unchanged, ...waves.unchanged],
    hooks,
  };
}

/** At least this long for SyncFail hooks, even when the revision failed by running out of time. */
const SYNC_FAIL_MIN_MS = 60_000;

/**
 * Runs the SyncFail hooks after a failed revision (when it runs hooks). Never throws: returns a note for the failure
 * message when a SyncFail hook itself failed, else undefined.
 */
export async function runSyncFailHooks(input: SyncPhasesInput): Promise<{ hooks: number; note?: string }> {
  const list = input.runHooks ? hooksOf(input.hooks, HookPhase.SyncFail) : [];
  if (list.length === 0) return { hooks: 0 };
  let created = 0;
  const ctx = hookContext(input, Math.max(input.deadline, Date.now() + SYNC_FAIL_MIN_MS));
  try {
    const onCreate = (hook: KubeObject): void => {
      created++;
      input.onHookCreated?.(hook);
    };
    await runHookList({ ...ctx, onCreate }, HookPhase.SyncFail, list);
    return { hooks: created };
  } catch (error) {
    return { hooks: created, note: error instanceof SyncError ? error.message : 'SyncFail hooks failed' };
  }
}
