import { KubeError } from '@gitseal/kube';
import type { KubeObject } from '@gitseal/manifests';
import { isUnchanged, withAppliedDigest, type AppliedRecord } from './applied-digest.js';
import { applyOne, waitForCrd, type ApplyObjectsInput } from './apply-objects.js';
import type { PlannedObject } from './apply-order.js';
import { inventoryId } from './inventory.js';
import { throwIfFailures } from './object-failures.js';
import { ssaPolicyOf, SsaPolicy } from './ssa-policy.js';
import { SyncError } from './sync-error.js';

export interface DryRunObjectsInput extends Pick<ApplyObjectsInput, 'applier' | 'reader' | 'deadline' | 'pollMs'> {
  /** In apply order, labelled (planApply). */
  readonly objects: readonly PlannedObject[];
  /** Live labelled objects by inventory id: an unchanged one needs no dry run. */
  readonly live: ReadonlyMap<string, KubeObject>;
  readonly records: ReadonlyMap<string, AppliedRecord>;
  /** Dry runs in flight at once; default 8. */
  readonly concurrency?: number;
}

export interface DryRunResult {
  /** Inventory ids that were dry-run (the others are unchanged). */
  readonly checked: readonly string[];
  /** What the API server answered for each, by inventory id: apply compares it with the live object. */
  readonly results: ReadonlyMap<string, KubeObject>;
}

/**
 * Server-side dry-runs every object that apply would write (the API server validates, defaults, runs admission
 * and authorization, and stores nothing), so a revision holding anything the API server would refuse fails before
 * its first write. Custom resources of a CRD the revision applied first wait for it to be Established. Every
 * failure is collected: one SyncError (ValidationFailed) lists them all, in apply order, up to a cap.
 */
export async function dryRunObjects(input: DryRunObjectsInput): Promise<DryRunResult> {
  const pending = input.objects
    .map((item, index) => ({ item, index, desired: withAppliedDigest(item.object) }))
    .filter(({ item, desired }) => {
      const id = inventoryId(item.object);
      const live = input.live.get(id);
      // `ssa: Ignore` is never applied, `ssa: IfNotPresent` not once it exists: nothing of theirs is written.
      const policy = ssaPolicyOf(item.object);
      if (policy === SsaPolicy.Ignore || (policy === SsaPolicy.IfNotPresent && live)) return false;
      return !isUnchanged(desired, live, input.records.get(id));
    });
  const failures: { index: number; message: string }[] = [];
  const results = new Map<string, KubeObject>();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < pending.length) {
      const { item, index, desired } = pending[next++] as (typeof pending)[number];
      try {
        if (item.waitsForCrd !== undefined) {
          await waitForCrd(
            { ...input, objects: [], live: new Map(), records: new Map() },
            item,
            item.waitsForCrd,
            input.deadline,
          );
        }
        results.set(inventoryId(item.object), await applyOne(input, item, desired, input.deadline, true));
      } catch (error) {
        const cause = error instanceof KubeError || error instanceof SyncError ? error.message : 'dry-run apply failed';
        failures.push({ index, message: cause.startsWith(item.source) ? cause : `${item.source}: ${cause}` });
      }
    }
  };
  const lanes = Math.max(1, Math.min(input.concurrency ?? 8, pending.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  throwIfFailures(
    'failed the server-side dry run (nothing else of the revision was written)',
    failures.sort((a, b) => a.index - b.index).map((f) => f.message),
  );
  return { checked: pending.map(({ item }) => inventoryId(item.object)), results };
}
