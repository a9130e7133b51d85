import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InventoryEntry, KubeObject } from '@gitseal/manifests';
import { inventoryEntry } from './inventory.js';
import { planPrune } from './prune.js';
import { PRUNE_ANNOTATION, SYNC_LABEL } from './sync-label.js';

const LABEL = 'flux-system.apps';
const obj = (
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string,
  opts: { label?: string | null; annotations?: Record<string, string> } = {},
): KubeObject => ({
  apiVersion,
  kind,
  metadata: {
    name,
    ...(namespace ? { namespace } : {}),
    ...(opts.label === null ? {} : { labels: { [SYNC_LABEL]: opts.label ?? LABEL } }),
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
  },
});
const entries = (...objects: KubeObject[]): InventoryEntry[] => objects.map(inventoryEntry);
const names = (list: readonly KubeObject[]) => list.map((o) => `${o.kind}/${o.metadata?.name}`);

describe('planPrune', () => {
  const keep = obj('v1', 'ConfigMap', 'keep', 'prod');
  const gone = obj('v1', 'ConfigMap', 'gone', 'prod');
  const deployment = obj('apps/v1', 'Deployment', 'web', 'prod');
  const crd = obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com');

  it('deletes only objects of the previous inventory that are no longer desired, workloads before CRDs', () => {
    const plan = planPrune({
      inventory: entries(keep, crd, gone, deployment),
      desired: [keep],
      liveLabelled: [keep, gone, deployment, crd, obj('v1', 'ConfigMap', 'never-in-inventory', 'prod')],
      label: LABEL,
    });
    assert.deepEqual(names(plan.delete), [
      'Deployment/web',
      'ConfigMap/gone',
      'CustomResourceDefinition/widgets.example.com',
    ]);
    assert.deepEqual(plan.skipped, []);
  });

  it('matches by group, kind, namespace and name, not by version; desired as rendered objects', () => {
    const v1beta = obj('apps/v1beta1', 'Deployment', 'web', 'prod');
    const plan = planPrune({
      inventory: entries(deployment),
      desired: [{ object: v1beta }],
      liveLabelled: [deployment],
      label: LABEL,
    });
    assert.deepEqual(plan.delete, []);
    const otherNs = planPrune({
      inventory: entries(deployment),
      desired: [{ object: obj('apps/v1', 'Deployment', 'web', 'dev') }],
      liveLabelled: [deployment],
      label: LABEL,
    });
    assert.deepEqual(names(otherNs.delete), ['Deployment/web']);
  });

  it('keeps objects that lost the label, carry another sync label, or say prune "false" or "disabled"', () => {
    const stolen = obj('v1', 'ConfigMap', 'stolen', 'prod', { label: 'other.sync' });
    const kept = obj('v1', 'ConfigMap', 'kept', 'prod', { annotations: { [PRUNE_ANNOTATION]: 'false' } });
    const flux = obj('v1', 'ConfigMap', 'flux', 'prod', { annotations: { [PRUNE_ANNOTATION]: 'disabled' } });
    const plan = planPrune({
      inventory: entries(gone, stolen, kept, flux),
      desired: [keep],
      liveLabelled: [stolen, kept, flux],
      label: LABEL,
    });
    assert.deepEqual(plan.delete, []);
    assert.deepEqual(plan.skipped, [
      { id: 'prod_gone__ConfigMap', reason: 'NotLive' },
      { id: 'prod_stolen__ConfigMap', reason: 'OtherOwner' },
      { id: 'prod_kept__ConfigMap', reason: 'Disabled' },
      { id: 'prod_flux__ConfigMap', reason: 'Disabled' },
    ]);
  });

  it('never deletes Namespaces or PVCs unless annotated prune "true"', () => {
    const ns = obj('v1', 'Namespace', 'team');
    const pvc = obj('v1', 'PersistentVolumeClaim', 'data', 'prod');
    const nsOk = obj('v1', 'Namespace', 'scratch', undefined, { annotations: { [PRUNE_ANNOTATION]: 'true' } });
    const pvcOk = obj('v1', 'PersistentVolumeClaim', 'tmp', 'prod', { annotations: { [PRUNE_ANNOTATION]: 'true' } });
    const plan = planPrune({
      inventory: entries(ns, pvc, nsOk, pvcOk),
      desired: [keep],
      liveLabelled: [ns, pvc, nsOk, pvcOk],
      label: LABEL,
    });
    assert.deepEqual(names(plan.delete), ['PersistentVolumeClaim/tmp', 'Namespace/scratch']);
    assert.deepEqual(
      plan.skipped.map((s) => s.reason),
      ['Protected', 'Protected'],
    );
  });

  it('prunes nothing for an empty revision unless allowEmpty', () => {
    const input = { inventory: entries(gone, deployment), desired: [], liveLabelled: [gone, deployment], label: LABEL };
    const refused = planPrune(input);
    assert.deepEqual(refused.delete, []);
    assert.deepEqual(
      refused.skipped.map((s) => s.reason),
      ['EmptyRevision', 'EmptyRevision'],
    );
    assert.deepEqual(names(planPrune({ ...input, allowEmpty: true }).delete), ['Deployment/web', 'ConfigMap/gone']);
  });
});
