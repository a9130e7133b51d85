import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import { inventoryEntry, inventoryId, parseInventoryEntry } from './inventory.js';
import { planApply } from './plan-apply.js';
import { canonicalJson } from '@gitseal/manifests';
import { revisionDigest } from './revision-digest.js';
import { SYNC_LABEL, syncLabel } from './sync-label.js';

const cm = (name: string, data: Record<string, string> = { a: '1' }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'prod' },
  data,
});

describe('syncLabel', () => {
  it('is namespace.name, hash-truncated to a valid 63-character label value', () => {
    assert.equal(syncLabel({ metadata: { namespace: 'flux', name: 'apps' } }), 'flux.apps');
    const long = { metadata: { namespace: 'n'.repeat(40), name: `${'x'.repeat(11)}-${'y'.repeat(20)}` } };
    const value = syncLabel(long);
    assert.equal(value.length <= 63, true);
    assert.match(value, /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/);
    assert.match(value, /^n{40}\.x{11}-[0-9a-f]{10}$/);
    const other = syncLabel({ metadata: { namespace: long.metadata.namespace, name: `${long.metadata.name}z` } });
    assert.notEqual(other, value);
    const exact = { metadata: { namespace: 'a'.repeat(31), name: 'b'.repeat(31) } };
    assert.equal(syncLabel(exact), `${'a'.repeat(31)}.${'b'.repeat(31)}`);
  });
});

describe('inventory', () => {
  it('uses Flux-style ids', () => {
    assert.equal(inventoryId(cm('c')), 'prod_c__ConfigMap');
    const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'prod' } };
    assert.deepEqual(inventoryEntry(deploy), { id: 'prod_web_apps_Deployment', v: 'apps/v1' });
    assert.deepEqual(parseInventoryEntry(inventoryEntry(deploy)), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      namespace: 'prod',
    });
    const cr = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'admin' } };
    assert.equal(inventoryId(cr), '_admin_rbac.authorization.k8s.io_ClusterRole');
    assert.deepEqual(parseInventoryEntry(inventoryEntry(cr)), {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      name: 'admin',
    });
    assert.equal(parseInventoryEntry({ id: 'a_b_c', v: 'v1' }), undefined);
    assert.equal(parseInventoryEntry({ id: 'ns_b_apps_Deployment', v: 'v1' }), undefined);
    assert.equal(
      inventoryId({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'prod' }),
      'prod_web_apps_Deployment',
    );
  });
});

describe('revisionDigest', () => {
  it('ignores object order, key order and file layout, and sees every change', () => {
    const a = cm('a');
    const b = cm('b');
    const digest = revisionDigest([a, b]);
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(revisionDigest([b, a]), digest);
    const reordered: KubeObject = {
      data: { a: '1' },
      metadata: { namespace: 'prod', name: 'a' },
      kind: 'ConfigMap',
      apiVersion: 'v1',
    };
    assert.equal(
      revisionDigest([
        { object: b, source: 'x#0' },
        { object: reordered, source: 'y#4' },
      ]),
      digest,
    );
    assert.notEqual(revisionDigest([a, cm('b', { a: '2' })]), digest);
    assert.notEqual(revisionDigest([a]), digest);
    assert.equal(canonicalJson({ b: [1, { d: null, c: 'x' }], a: undefined }), '{"b":[1,{"c":"x","d":null}]}');
  });
});

describe('planApply', () => {
  it('orders and labels objects, with inventory and digest of the rendered revision', () => {
    const rendered = [
      {
        object: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'prod', labels: { app: 'web' } },
        },
        source: 'd#0',
      },
      { object: cm('c'), source: 'c#0' },
    ];
    const plan = planApply(rendered, { metadata: { namespace: 'flux', name: 'apps' } });
    assert.equal(plan.label, 'flux.apps');
    assert.deepEqual(
      plan.objects.map((o) => o.object.kind),
      ['ConfigMap', 'Deployment'],
    );
    assert.deepEqual(plan.objects[1]?.object.metadata?.labels, { app: 'web', [SYNC_LABEL]: 'flux.apps' });
    assert.equal(rendered[0]?.object.metadata?.labels?.[SYNC_LABEL], undefined, 'input untouched');
    assert.deepEqual(
      plan.inventory.map((e) => e.id),
      ['prod_c__ConfigMap', 'prod_web_apps_Deployment'],
    );
    assert.equal(plan.digest, revisionDigest(rendered));
  });
});
