import { setTimeout as sleep } from 'node:timers/promises';
import { deleteObject, KubeError, listObjects, readObject, describeObject, type Applier } from '@gitseal/kube';
import type { KubeObject } from '@gitseal/manifests';
import {
  HOOK_LABEL,
  HOOK_OF_LABEL,
  HookDeletePolicy,
  hooksOf,
  hasGenerateNameOnly,
  type HookPhase,
  type PlannedHook,
} from './hook-phase.js';
import { HookState, hookOutcome, type HookOutcome } from './hook-status.js';
import type { ObjectApi } from './live-objects.js';
import { SyncError, SyncErrorCode } from './sync-error.js';
import { groupByWave } from './sync-wave.js';

/** What running hooks needs: the GitSync's own clients (its identity, its tenancy limits) and a deadline. */
export interface HookRunContext {
  /** Creates the hooks (`create`), as the GitSync's identity. */
  readonly applier: Applier;
  /** Deletes hooks, as the GitSync's identity. */
  readonly client: ObjectApi;
  /** Reads hooks while they run. */
  readonly reader: ObjectApi;
  /** The GitSync's sync label value: hooks carry it in `gitseal.dev/hook-of`. */
  readonly label: string;
  /** Epoch ms: hooks not finished by then fail the revision. */
  readonly deadline: number;
  readonly pollMs?: number;
  /** Called after each hook is created (metrics, tests). */
  readonly onCreate?: (hook: KubeObject) => void;
}

const refOf = (object: KubeObject) => {
  const namespace = object.metadata?.namespace;
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: { name: object.metadata?.name ?? '', ...(namespace ? { namespace } : {}) },
  };
};

/** `PreSync hook Job shop/migrate (hooks/migrate.yaml#0)`: how messages name a hook. */
function named(phase: HookPhase, hook: PlannedHook, live?: KubeObject): string {
  const shown = live ?? hook.object;
  const generated = !live && hasGenerateNameOnly(hook.object) ? `${hook.object.metadata?.generateName ?? ''}*` : '';
  return `${phase} hook ${describeObject(shown)}${generated} (${hook.source})`;
}

function hookFailed(message: string): SyncError {
  return new SyncError(SyncErrorCode.HookFailed, message);
}

const cause = (error: unknown, fallback: string): string => (error instanceof KubeError ? error.message : fallback);

/** The manifest as created: labelled as this GitSync's hook (not with the sync label: hooks are not inventory). */
function hookManifest(hook: PlannedHook, label: string): KubeObject {
  const metadata = hook.object.metadata ?? {};
  return {
    ...hook.object,
    metadata: { ...metadata, labels: { ...metadata.labels, [HOOK_OF_LABEL]: label, [HOOK_LABEL]: hook.key } },
  };
}

async function pollUntil(ctx: HookRunContext, check: () => Promise<boolean>): Promise<boolean> {
  const pollMs = ctx.pollMs ?? 500;
  for (;;) {
    if (await check()) return true;
    if (Date.now() + pollMs > ctx.deadline) return false;
    await sleep(pollMs);
  }
}

/** Deletes live hook objects and waits until they are gone (a named hook is then created afresh). */
async function deleteAndWait(ctx: HookRunContext, what: string, objects: readonly KubeObject[]): Promise<void> {
  for (const object of objects) {
    try {
      await deleteObject(ctx.client, refOf(object), { propagationPolicy: 'Background' });
    } catch (error) {
      throw hookFailed(`${what}: delete ${describeObject(object)}: ${cause(error, 'delete failed')}`);
    }
  }
  const gone = await pollUntil(ctx, async () => {
    for (const object of objects) if (await readObject(ctx.reader, refOf(object))) return false;
    return true;
  });
  if (!gone) throw hookFailed(`${what}: the previous instance was not deleted in time`);
}

/**
 * Before a hook is created: a named hook that still exists is deleted when it is this GitSync's and the policy has
 * BeforeHookCreation, refused otherwise; the earlier instances of a generateName hook are deleted under
 * BeforeHookCreation (found by their labels).
 */
async function prepare(ctx: HookRunContext, phase: HookPhase, hook: PlannedHook): Promise<void> {
  const what = named(phase, hook);
  const before = hook.policies.includes(HookDeletePolicy.BeforeHookCreation);
  if (hasGenerateNameOnly(hook.object)) {
    if (!before) return;
    let earlier: KubeObject[];
    try {
      const namespace = hook.object.metadata?.namespace;
      earlier = (await listObjects(ctx.reader, hook.object, {
        ...(namespace ? { namespace } : {}),
        labelSelector: `${HOOK_OF_LABEL}=${ctx.label},${HOOK_LABEL}=${hook.key}`,
      })) as unknown as KubeObject[];
    } catch (error) {
      throw hookFailed(`${what}: ${cause(error, 'list failed')}`);
    }
    if (earlier.length > 0) await deleteAndWait(ctx, what, earlier);
    return;
  }
  let live: KubeObject | undefined;
  try {
    live = (await readObject(ctx.reader, refOf(hook.object))) as unknown as KubeObject | undefined;
  } catch (error) {
    throw hookFailed(`${what}: ${cause(error, 'read failed')}`);
  }
  if (!live) return;
  if (live.metadata?.labels?.[HOOK_OF_LABEL] !== ctx.label) {
    throw hookFailed(`${what}: already exists and is not a hook of this GitSync`);
  }
  if (!before) {
    throw hookFailed(
      `${what}: the instance of an earlier run still exists (add BeforeHookCreation to its delete policy, or delete it)`,
    );
  }
  await deleteAndWait(ctx, what, [live]);
}

async function create(ctx: HookRunContext, phase: HookPhase, hook: PlannedHook): Promise<KubeObject> {
  if (!ctx.applier.create) throw hookFailed(`${named(phase, hook)}: this applier cannot create hooks`);
  try {
    const stored = await ctx.applier.create(hookManifest(hook, ctx.label));
    ctx.onCreate?.(stored);
    return stored;
  } catch (error) {
    throw hookFailed(`${named(phase, hook)}: ${cause(error, 'create failed')}`);
  }
}

interface Running {
  readonly hook: PlannedHook;
  readonly live: KubeObject;
  outcome: HookOutcome;
}

const failed = (r: Running): boolean => r.outcome.state === HookState.Failed;

/** Polls the created hooks until all are done, one failed, or the deadline passed (those count as failed). */
async function waitForHooks(ctx: HookRunContext, running: readonly Running[]): Promise<void> {
  await pollUntil(ctx, async () => {
    for (const item of running) {
      if (item.outcome.state !== HookState.Running) continue;
      let live: KubeObject | undefined;
      try {
        live = (await readObject(ctx.reader, refOf(item.live))) as unknown as KubeObject | undefined;
      } catch {
        continue; // a failed read says nothing about the hook: ask again at the next poll
      }
      // client-node hands back model instances for built-in kinds: the outcome reads plain JSON.
      const plain = live ? (JSON.parse(JSON.stringify(live)) as KubeObject) : undefined;
      item.outcome = plain ? hookOutcome(plain) : { state: HookState.Failed, message: 'deleted while running' };
    }
    return running.every((r) => r.outcome.state === HookState.Succeeded) || running.some((r) => failed(r));
  });
  for (const item of running) {
    if (item.outcome.state === HookState.Running) {
      item.outcome = {
        state: HookState.Failed,
        message: `not finished within the sync timeout (${item.outcome.message})`,
      };
    }
  }
}

/** Deletes a finished hook when its policy says so (HookSucceeded / HookFailed). */
async function afterRun(ctx: HookRunContext, phase: HookPhase, item: Running): Promise<void> {
  const policy = failed(item) ? HookDeletePolicy.HookFailed : HookDeletePolicy.HookSucceeded;
  if (item.outcome.state === HookState.Running || !item.hook.policies.includes(policy)) return;
  try {
    await deleteObject(ctx.client, refOf(item.live), { propagationPolicy: 'Background' });
  } catch (error) {
    throw hookFailed(`${named(phase, item.hook, item.live)}: delete after the run: ${cause(error, 'delete failed')}`);
  }
}

/**
 * Runs the given hooks (already of one phase, in order) wave by wave: prepare per delete policy, create afresh,
 * wait for each to succeed or fail within the deadline, delete per policy. The first failure throws a HookFailed
 * SyncError naming the hook, its file and why (a condition reason, phase or exit code; never logs). Returns the
 * number of hooks created.
 */
export async function runHookList(
  ctx: HookRunContext,
  phase: HookPhase,
  hooks: readonly PlannedHook[],
): Promise<number> {
  let created = 0;
  for (const { items } of groupByWave(hooks, (h) => h.wave)) {
    for (const hook of items) await prepare(ctx, phase, hook);
    const running: Running[] = [];
    for (const hook of items) {
      running.push({ hook, live: await create(ctx, phase, hook), outcome: { state: HookState.Running, message: '' } });
      created++;
    }
    await waitForHooks(ctx, running);
    for (const item of running) await afterRun(ctx, phase, item);
    const first = running.find(failed);
    if (first) throw hookFailed(`${named(phase, first.hook, first.live)}: ${first.outcome.message}`);
  }
  return created;
}

/** Runs the revision's hooks of one phase (see runHookList); 0 when it has none. */
export function runHooks(ctx: HookRunContext, phase: HookPhase, hooks: readonly PlannedHook[]): Promise<number> {
  return runHookList(ctx, phase, hooksOf(hooks, phase));
}
