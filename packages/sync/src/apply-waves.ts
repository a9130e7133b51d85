import type { HealthCheckSpec, KubeObject } from '@gitseal/manifests';
import { wouldWrite } from './apply-decision.js';
import { applyObjects, type ApplyObjectsInput, type ApplyObjectsResult } from './apply-objects.js';
import type { PlannedObject } from './apply-order.js';
import type { PlannedHook } from './hook-phase.js';
import { inventoryId } from './inventory.js';
import { SyncError, SyncErrorCode } from './sync-error.js';
import { groupByWave, syncWaveOf } from './sync-wave.js';
import { waitHealthy } from './wait-healthy.js';

export interface ApplyWavesInput extends ApplyObjectsInput {
  /** Sync-phase hooks, run in their wave right after its objects (only when the revision runs its hooks). */
  readonly syncHooks?: readonly PlannedHook[];
  /** Runs a wave's Sync hooks (runHookList); required when syncHooks holds any. */
  readonly runSyncHooks?: (hooks: readonly PlannedHook[]) => Promise<unknown>;
  /** Poll interval of the health waits between waves; default 1 s. */
  readonly healthPollMs?: number;
  /** The GitSync's spec.healthChecks, used by the waits between waves. */
  readonly healthChecks?: readonly HealthCheckSpec[];
}

/** One wave: its objects in apply order and its Sync hooks. */
export interface PlannedWave {
  readonly wave: number;
  readonly objects: readonly PlannedObject[];
  readonly hooks: readonly PlannedHook[];
}

/** Objects (already in apply order) and Sync hooks grouped by sync wave, lowest first. */
export function planWaves(objects: readonly PlannedObject[], hooks: readonly PlannedHook[] = []): PlannedWave[] {
  const byWave = new Map<number, { objects: PlannedObject[]; hooks: PlannedHook[] }>();
  const at = (wave: number) => {
    let entry = byWave.get(wave);
    if (!entry) byWave.set(wave, (entry = { objects: [], hooks: [] }));
    return entry;
  };
  for (const group of groupByWave(objects, syncWaveOf)) at(group.wave).objects.push(...group.items);
  for (const hook of hooks) at(hook.wave).hooks.push(hook);
  return [...byWave.entries()].sort(([a], [b]) => a - b).map(([wave, entry]) => ({ wave, ...entry }));
}

/** Whether applying the object would write (the same test applyObjects makes). */
function needsWrite(input: ApplyObjectsInput, item: PlannedObject): boolean {
  const id = inventoryId(item.object);
  return wouldWrite({
    object: item.object,
    live: input.live.get(id),
    record: input.records.get(id),
    ignoreDifferences: input.ignoreDifferences,
    dryRunResult: input.dryRunResults?.get(id),
  });
}

/**
 * Applies the objects wave by wave (lowest `gitseal.dev/sync-wave` / `argocd.argoproj.io/sync-wave` first; tiers
 * keep their order inside a wave). Before a wave that has something to write, every object of the waves before it
 * must be healthy (waitHealthy, bounded by the deadline): a wave that is not fails the revision with
 * HealthCheckFailed naming it, and nothing of the later waves is written. A revision with one wave, or one with
 * nothing to write (a no-op resync), waits for nothing.
 */
export async function applyWaves(input: ApplyWavesInput): Promise<ApplyObjectsResult> {
  const applied: string[] = [];
  const unchanged: string[] = [];
  let pending: KubeObject[] = [];
  for (const wave of planWaves(input.objects, input.syncHooks)) {
    const writes = wave.hooks.length > 0 || wave.objects.some((item) => needsWrite(input, item));
    if (writes && pending.length > 0) {
      const health = await waitHealthy({
        reader: input.reader,
        objects: pending,
        deadline: input.deadline,
        ...(input.healthPollMs ? { pollMs: input.healthPollMs } : {}),
        ...(input.healthChecks ? { healthChecks: input.healthChecks } : {}),
      });
      if (!health.healthy) {
        throw new SyncError(SyncErrorCode.Unhealthy, `the waves before sync wave ${wave.wave}: ${health.message}`);
      }
      pending = [];
    }
    const result = await applyObjects({ ...input, objects: wave.objects });
    applied.push(...result.applied);
    unchanged.push(...result.unchanged);
    if (wave.hooks.length > 0) {
      if (!input.runSyncHooks) throw new SyncError(SyncErrorCode.HookFailed, `sync wave ${wave.wave}: no hook runner`);
      await input.runSyncHooks(wave.hooks);
    }
    pending.push(...wave.objects.map((item) => item.object));
  }
  return { applied, unchanged };
}
