import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import type { RenderedObject } from './render.js';
import { SyncError } from './sync-error.js';
import { checkTenancyScope, inventoryInScope, type TenancyScope } from './tenancy-scope.js';

const gitseal = {
  controllerNamespace: 'gitseal-system',
  configMaps: ['gitseal-certs'],
  leases: ['gitseal-controller'],
  keySecretPrefixes: ['gitseal-key-'],
};
const tenant: TenancyScope = { gitseal, namespace: 'team-a', tenant: true, ownNamespaceOnly: true };
const platform: TenancyScope = { gitseal, namespace: 'gitseal-system', tenant: false, ownNamespaceOnly: true };

const obj = (
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string,
  extra: object = {},
): RenderedObject => ({
  object: { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...extra } as KubeObject,
  source: `x/${name}.yaml#0`,
});

function refusedWith(objects: RenderedObject[], scope: TenancyScope): { reason: string; message: string } {
  try {
    checkTenancyScope(objects, scope);
  } catch (error) {
    assert.ok(error instanceof SyncError);
    return { reason: error.reason, message: error.message };
  }
  assert.fail('expected a refusal');
}

describe('checkTenancyScope', () => {
  it('lets a tenant write into its own namespace', () => {
    checkTenancyScope([obj('v1', 'ConfigMap', 'a', 'team-a'), obj('apps/v1', 'Deployment', 'web', 'team-a')], tenant);
  });

  it("refuses a tenant's object in the controller's namespace as ProtectedObject, naming file and object", () => {
    const { reason, message } = refusedWith([obj('v1', 'ConfigMap', 'gitseal-certs', 'gitseal-system')], tenant);
    assert.equal(reason, 'ProtectedObject');
    assert.match(message, /^x\/gitseal-certs\.yaml#0: ConfigMap gitseal-system\/gitseal-certs: /);
    const other = refusedWith([obj('apps/v1', 'Deployment', 'anything', 'gitseal-system')], tenant);
    assert.equal(other.reason, 'ProtectedObject');
    assert.match(other.message, /controller's namespace/);
  });

  it("refuses gitseal's cluster-scoped objects and the controller's Namespace for tenants", () => {
    for (const o of [
      obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'gitsyncs.gitseal.dev'),
      obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'sealedsecrets.bitnami.com'),
      obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'gitseal-sync'),
      obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'gitseal-controller'),
      obj('v1', 'Namespace', 'gitseal-system'),
    ]) {
      assert.equal(refusedWith([o], { ...tenant, ownNamespaceOnly: false }).reason, 'ProtectedObject', o.source);
    }
  });

  it('refuses cluster-scoped objects and other namespaces for tenants as ObjectOutsideNamespace', () => {
    const cluster = refusedWith([obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'mine')], tenant);
    assert.equal(cluster.reason, 'ObjectOutsideNamespace');
    assert.match(cluster.message, /is cluster-scoped; .* only into team-a/);
    const moved = refusedWith([obj('v1', 'ConfigMap', 'a', 'team-a'), obj('v1', 'Secret', 's', 'team-b')], tenant);
    assert.equal(moved.reason, 'ObjectOutsideNamespace');
    assert.match(moved.message, /Secret team-b\/s: is in namespace team-b/);
  });

  it('with cross-namespace refs on, RBAC decides outside the namespace (the controller namespace stays protected)', () => {
    const open = { ...tenant, ownNamespaceOnly: false };
    checkTenancyScope([obj('v1', 'ConfigMap', 'a', 'team-b'), obj('v1', 'Namespace', 'team-c')], open);
    assert.equal(refusedWith([obj('v1', 'ConfigMap', 'a', 'gitseal-system')], open).reason, 'ProtectedObject');
  });

  it('protects keys, certificate and Lease even from platform GitSyncs, but lets them manage the rest', () => {
    checkTenancyScope(
      [
        obj('apps/v1', 'Deployment', 'gitseal-controller', 'gitseal-system'),
        obj('v1', 'Namespace', 'team-a'),
        obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'gitseal-sync'),
      ],
      platform,
    );
    for (const o of [
      obj('v1', 'ConfigMap', 'gitseal-certs', 'gitseal-system'),
      obj('coordination.k8s.io/v1', 'Lease', 'gitseal-controller', 'gitseal-system'),
      obj('v1', 'Secret', 'gitseal-key-abcde', 'gitseal-system'),
      obj('gitseal.dev/v1alpha1', 'SealedSecret', 'gitseal-key-x', 'gitseal-system'),
      obj('v1', 'Secret', 'looks-harmless', 'team-a', {}),
    ].map((o, i) =>
      i === 4
        ? {
            ...o,
            object: {
              ...o.object,
              metadata: { ...o.object.metadata, labels: { 'gitseal.dev/sealing-key': 'active' } },
            },
          }
        : o,
    )) {
      assert.equal(refusedWith([o], platform).reason, 'ProtectedObject', o.source);
    }
  });

  it('a SealedSecret whose template would label its Secret a sealing key is refused', () => {
    const sealed = obj('gitseal.dev/v1alpha1', 'SealedSecret', 'k', 'team-a', {
      spec: { template: { metadata: { labels: { 'sealedsecrets.bitnami.com/sealed-secrets-key': 'active' } } } },
    });
    assert.equal(refusedWith([sealed], tenant).reason, 'ProtectedObject');
  });

  it('counts the further offenders in the message', () => {
    const r = refusedWith([obj('v1', 'ConfigMap', 'a', 'team-b'), obj('v1', 'ConfigMap', 'b', 'team-c')], tenant);
    assert.match(r.message, /\(and 1 more\)$/);
  });
});

describe('inventoryInScope', () => {
  const entries = [
    { id: 'team-a_cm__ConfigMap', v: 'v1' },
    { id: 'team-b_cm__ConfigMap', v: 'v1' },
    { id: 'gitseal-system_gitseal-certs__ConfigMap', v: 'v1' },
    { id: '_crb_rbac.authorization.k8s.io_ClusterRoleBinding', v: 'rbac.authorization.k8s.io/v1' },
    { id: 'garbage', v: 'v1' },
  ];
  it("keeps only a tenant's own namespace", () => {
    assert.deepEqual(
      inventoryInScope(entries, tenant).map((e) => e.id),
      ['team-a_cm__ConfigMap'],
    );
  });
  it('keeps everything but the controller namespace with cross-namespace refs on', () => {
    assert.deepEqual(
      inventoryInScope(entries, { ...tenant, ownNamespaceOnly: false }).map((e) => e.id),
      ['team-a_cm__ConfigMap', 'team-b_cm__ConfigMap', '_crb_rbac.authorization.k8s.io_ClusterRoleBinding'],
    );
  });
  it('keeps everything for platform GitSyncs', () => {
    assert.equal(inventoryInScope(entries, platform).length, entries.length);
  });
});
