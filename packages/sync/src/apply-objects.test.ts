import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { KubeError, KubeErrorCode } from '@gitseal/kube';
import type { KubeObject } from '@gitseal/manifests';
import { applyObjects, type ApplyObjectsInput } from './apply-objects.js';
import { ApplyTier, type PlannedObject } from './apply-order.js';
import type { AppliedRecord } from './applied-digest.js';

const planned = (name: string, tier: ApplyTier): PlannedObject => ({
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'app' }, data: { name } },
  source: `${name}.yaml#0`,
  tier,
});

/** An applier that records what ran at once; `fail` names objects it refuses. */
function recordingApplier(fail: readonly string[] = []) {
  const events: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const applier = {
    async apply(object: KubeObject): Promise<KubeObject> {
      const name = object.metadata?.name ?? '';
      events.push(`start ${name}`);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await tick();
      await tick();
      inFlight--;
      events.push(`end ${name}`);
      if (fail.includes(name)) throw new KubeError(KubeErrorCode.ApiError, `apply ConfigMap app/${name}: refused`);
      return { ...object, metadata: { ...object.metadata, resourceVersion: '1' } };
    },
  };
  return { applier, events, maxInFlight: () => maxInFlight };
}

function input(applier: ApplyObjectsInput['applier'], objects: PlannedObject[], concurrency?: number) {
  return {
    applier,
    reader: undefined as unknown as ApplyObjectsInput['reader'],
    objects,
    live: new Map<string, KubeObject>(),
    records: new Map<string, AppliedRecord>(),
    deadline: Date.now() + 10_000,
    ...(concurrency ? { concurrency } : {}),
  } satisfies ApplyObjectsInput;
}

describe('applyObjects', () => {
  it('applies a few objects of a tier at once, never two tiers at once, and reports in apply order', async () => {
    const { applier, events, maxInFlight } = recordingApplier();
    const objects = [
      planned('ns-a', ApplyTier.Namespaces),
      planned('ns-b', ApplyTier.Namespaces),
      ...Array.from({ length: 9 }, (_, i) => planned(`cm-${i}`, ApplyTier.Config)),
      planned('web', ApplyTier.Rest),
    ];
    const result = await applyObjects(input(applier, objects, 3));
    assert.equal(maxInFlight(), 3);
    assert.deepEqual(
      result.applied,
      objects.map((o) => `app_${o.object.metadata?.name}__ConfigMap`),
    );
    const lastNamespaceEnd = Math.max(events.indexOf('end ns-a'), events.indexOf('end ns-b'));
    const firstConfigStart = events.findIndex((e) => e.startsWith('start cm-'));
    assert.ok(lastNamespaceEnd < firstConfigStart, 'the Config tier starts after every Namespace is applied');
    const lastConfigEnd = Math.max(...events.flatMap((e, i) => (e.startsWith('end cm-') ? [i] : [])));
    assert.ok(lastConfigEnd < events.indexOf('start web'), 'workloads start after the Config tier');
  });

  it('throws the first failure in apply order, starts nothing after it and keeps the records of what was applied', async () => {
    const { applier, events } = recordingApplier(['cm-2', 'cm-1']);
    const objects = Array.from({ length: 8 }, (_, i) => planned(`cm-${i}`, ApplyTier.Config));
    const run = input(applier, objects, 2);
    await assert.rejects(applyObjects(run), /^SyncError: cm-1\.yaml#0: apply ConfigMap app\/cm-1: refused$/);
    const started = events.filter((e) => e.startsWith('start')).map((e) => e.slice(6));
    assert.deepEqual(started, ['cm-0', 'cm-1', 'cm-2']);
    assert.deepEqual([...run.records.keys()], ['app_cm-0__ConfigMap']);
  });
});
