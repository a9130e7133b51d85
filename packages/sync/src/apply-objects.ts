import { setTimeout as sleep } from 'node:timers/promises';
import { KubeError, KubeErrorCode, readObject, describeObject, type Applier } from '@gitseal/kube';
import type { IgnoreDifferencesRule, KubeObject } from '@gitseal/manifests';
import type { AppliedRecord } from './applied-digest.js';
import { decideApply } from './apply-decision.js';
import type { PlannedObject, SealedSecretRef } from './apply-order.js';
import { inventoryId } from './inventory.js';
import type { ObjectApi } from './live-objects.js';
import { sealedSecretOpening } from './sealed-secret-opened.js';
import { SyncError, SyncErrorCode } from './sync-error.js';

export interface ApplyObjectsInput {
  /** Writes with this (impersonating the GitSync's ServiceAccount when it names one). */
  readonly applier: Applier;
  /** Reads for the waits (CRD Established, Secrets present) with this one. */
  readonly reader: ObjectApi;
  /** In apply order, labelled (planApply). */
  readonly objects: readonly PlannedObject[];
  /** Live labelled objects by inventory id (listLiveLabelled). */
  readonly live: ReadonlyMap<string, KubeObject>;
  /** What earlier applies of this GitSync wrote, by inventory id; updated in place. */
  readonly records: Map<string, AppliedRecord>;
  /** Epoch ms after which waiting stops. */
  readonly deadline: number;
  /** Longest single wait for a CRD or Secrets; default 60 s (and never past the deadline). */
  readonly waitBoundMs?: number;
  readonly pollMs?: number;
  /** Called after each write (metrics, benchmarks). */
  readonly onWrite?: (id: string) => void;
  /** Applies in flight at once within one tier; default 4. Tiers never overlap. */
  readonly concurrency?: number;
  /** Dry runs already made of these objects as planned (dryRunObjects), by inventory id: not made again. */
  readonly dryRunResults?: ReadonlyMap<string, KubeObject>;
  /** spec.ignoreDifferences: fields apply leaves at their live values. */
  readonly ignoreDifferences?: readonly IgnoreDifferencesRule[];
}

export interface ApplyObjectsResult {
  /** Inventory ids written. */
  readonly applied: readonly string[];
  /** Inventory ids already as desired: no request made. */
  readonly unchanged: readonly string[];
}

const CRD_API_VERSION = 'apiextensions.k8s.io/v1';

function failure(item: PlannedObject, cause: string): SyncError {
  return new SyncError(SyncErrorCode.ApplyFailed, `${item.source}: ${describeObject(item.object)}: ${cause}`);
}

async function poll(deadline: number, pollMs: number, check: () => Promise<boolean>): Promise<boolean> {
  for (;;) {
    if (await check()) return true;
    if (Date.now() + pollMs > deadline) return false;
    await sleep(pollMs);
  }
}

function isEstablished(crd: KubeObject | undefined): boolean {
  const status = crd?.['status'] as { conditions?: { type?: string; status?: string }[] } | undefined;
  return status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') === true;
}

export async function waitForCrd(
  input: ApplyObjectsInput,
  item: PlannedObject,
  crd: string,
  until: number,
): Promise<void> {
  const ref = { apiVersion: CRD_API_VERSION, kind: 'CustomResourceDefinition', metadata: { name: crd } };
  const ok = await poll(until, input.pollMs ?? 250, async () =>
    isEstablished((await readObject(input.reader, ref)) as unknown as KubeObject | undefined),
  );
  if (!ok) throw failure(item, `CustomResourceDefinition ${crd} not Established in time`);
}

/**
 * Waits until every SealedSecret a workload uses is opened at the generation just applied (Synced, see
 * sealedSecretOpening) and its Secret exists: a Secret left from an earlier revision is not enough. A failure the
 * SealedSecret controller will not retry (e.g. SecretNotOwned) fails at once, naming the SealedSecret.
 */
async function waitForSecrets(
  input: ApplyObjectsInput,
  item: PlannedObject,
  secrets: readonly string[],
  until: number,
): Promise<void> {
  const missing = new Map<string, string>(secrets.map((key) => [key, '']));
  const sealedBySecret = new Map<string, SealedSecretRef>(
    (item.waitsForSealedSecrets ?? []).map((ref) => [`${ref.namespace}/${ref.name}`, ref]),
  );
  let failed: string | undefined;
  await poll(until, input.pollMs ?? 250, async () => {
    for (const key of [...missing.keys()]) {
      const [namespace = '', name = ''] = key.split('/');
      const sealed = sealedBySecret.get(key);
      if (sealed) {
        const ref = { apiVersion: sealed.apiVersion, kind: 'SealedSecret', metadata: { name, namespace } };
        const opening = sealedSecretOpening((await readObject(input.reader, ref)) as KubeObject | undefined);
        if (opening.state === 'failed') {
          failed = `SealedSecret ${key} not opened: ${opening.why}`;
          return true;
        }
        if (opening.state === 'waiting') {
          missing.set(key, `SealedSecret ${key} ${opening.why}`);
          continue;
        }
      }
      const ref = { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace } };
      if (await readObject(input.reader, ref)) missing.delete(key);
    }
    return missing.size === 0;
  });
  if (failed !== undefined) throw failure(item, failed);
  if (missing.size > 0) {
    const detail = [...missing.values()].find((why) => why !== '');
    throw failure(item, `Secret ${[...missing.keys()].join(', ')} not produced in time${detail ? ` (${detail})` : ''}`);
  }
}

/**
 * A custom resource right after its CRD is Established can meet a discovery cache that does not know it yet, or
 * an API server whose apply type converter for the new schema is not built yet (500): both pass within seconds.
 */
const notReadyYet = (error: unknown): boolean =>
  error instanceof KubeError &&
  (error.code === KubeErrorCode.InvalidObject || (error.status !== undefined && error.status >= 500));

export async function applyOne(
  input: Pick<ApplyObjectsInput, 'applier'>,
  item: PlannedObject,
  desired: KubeObject,
  until: number,
  dryRun = false,
) {
  // At most ~5 s of retries: a schema error answered with 500 must not hold the run until the bound.
  for (let attempt = 1; ; attempt++) {
    try {
      return await input.applier.apply(desired, dryRun ? { dryRun } : undefined);
    } catch (error) {
      if (item.waitsForCrd !== undefined && notReadyYet(error) && attempt < 10 && Date.now() + 500 < until) {
        await sleep(500);
        continue;
      }
      const cause = error instanceof KubeError ? error.message : 'apply failed';
      throw new SyncError(SyncErrorCode.ApplyFailed, `${item.source}: ${cause}`);
    }
  }
}

/**
 * Server-side applies the planned objects tier by tier (field manager `gitseal`, forced; a few at once within a
 * tier), skipping those whose live copy already carries the same applied digest and was not changed since; custom
 * resources wait until their CRD is Established, workloads until the revision's SealedSecrets they use are opened at
 * their current generation and their Secrets exist (both bounded). The first failure stops the run with a SyncError naming the file and object.
 */
export async function applyObjects(input: ApplyObjectsInput): Promise<ApplyObjectsResult> {
  const applied: string[] = [];
  const unchanged: string[] = [];
  for (const tier of byTier(input.objects)) {
    const outcomes = await applyTier(input, tier);
    for (const { id, wrote } of outcomes) (wrote ? applied : unchanged).push(id);
  }
  return { applied, unchanged };
}

/** Consecutive runs of the same tier (planApply sorts by tier). */
function byTier(objects: readonly PlannedObject[]): PlannedObject[][] {
  const tiers: PlannedObject[][] = [];
  for (const item of objects) {
    const last = tiers.at(-1);
    if (last !== undefined && last[0]?.tier === item.tier) last.push(item);
    else tiers.push([item]);
  }
  return tiers;
}

/**
 * Objects of one tier do not depend on each other (their waits are per object), so a few are applied at once: the
 * API server's round trip, not gitseal, sets the pace. The first failure (in apply order) is thrown once the
 * objects already in flight have finished; no new one starts after a failure.
 */
async function applyTier(
  input: ApplyObjectsInput,
  items: readonly PlannedObject[],
): Promise<{ id: string; wrote: boolean }[]> {
  const outcomes: { id: string; wrote: boolean }[] = new Array(items.length);
  const failures: { index: number; error: unknown }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (failures.length === 0 && next < items.length) {
      const index = next++;
      const item = items[index] as PlannedObject;
      try {
        outcomes[index] = await applyItem(input, item);
      } catch (error) {
        failures.push({ index, error });
      }
    }
  };
  const lanes = Math.max(1, Math.min(input.concurrency ?? 4, items.length));
  await Promise.all(Array.from({ length: lanes }, worker));
  if (failures.length > 0) throw failures.sort((a, b) => a.index - b.index)[0]?.error;
  return outcomes;
}

const referenceOf = (object: KubeObject) => ({
  apiVersion: object.apiVersion,
  kind: object.kind,
  metadata: {
    name: object.metadata?.name ?? '',
    ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}),
  },
});

async function applyItem(input: ApplyObjectsInput, item: PlannedObject): Promise<{ id: string; wrote: boolean }> {
  const id = inventoryId(item.object);
  const live = input.live.get(id);
  const decision = await decideApply({
    object: item.object,
    live,
    record: input.records.get(id),
    ...(input.ignoreDifferences ? { ignoreDifferences: input.ignoreDifferences } : {}),
    exists: async () => (await readObject(input.reader, referenceOf(item.object))) !== undefined,
    // Objects gitseal holds no fresh record of are checked with a server-side dry run before any write.
    dryRun: (object: KubeObject) => input.applier.apply(object, { dryRun: true }),
    dryRunResult: input.dryRunResults?.get(id),
  });
  if (decision.kind === 'skip') {
    if (decision.record) input.records.set(id, decision.record);
    return { id, wrote: false };
  }
  const until = Math.min(input.deadline, Date.now() + (input.waitBoundMs ?? 60_000));
  if (item.waitsForCrd !== undefined) await waitForCrd(input, item, item.waitsForCrd, until);
  if (item.waitsForSecrets && item.waitsForSecrets.length > 0) {
    await waitForSecrets(input, item, item.waitsForSecrets, until);
  }
  const stored = await applyOne(input, item, decision.object, until);
  input.records.set(id, decision.recordOf(stored));
  // An apply that changed nothing is not stored again: the resourceVersion tells.
  const wrote = live === undefined || stored.metadata?.resourceVersion !== live.metadata?.resourceVersion;
  if (wrote) input.onWrite?.(id);
  return { id, wrote };
}
