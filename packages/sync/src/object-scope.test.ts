import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiDiscovery } from '@gitseal/kube';
import type { KubeObject } from '@gitseal/manifests';
import { resolveObjectScopes, scopeResolver } from './object-scope.js';
import type { RenderedObject } from './render.js';
import { SyncError } from './sync-error.js';

/** What a cluster's API discovery answers: `apiVersion/Kind` → namespaced. */
function servedKinds(kinds: Record<string, boolean>): ApiDiscovery {
  return {
    resource: async (apiVersion, kind) => {
      const namespaced = kinds[`${apiVersion}/${kind}`];
      return namespaced === undefined ? undefined : { apiVersion, kind, plural: `${kind.toLowerCase()}s`, namespaced };
    },
  };
}

const served = servedKinds({
  'v1/ConfigMap': true,
  'v1/Namespace': false,
  'rbac.authorization.k8s.io/v1/ClusterRole': false,
  'apiextensions.k8s.io/v1/CustomResourceDefinition': false,
  'example.com/v1/Gadget': true,
  'other.io/v1/Thing': false,
});

const item = (object: KubeObject, extra: Partial<RenderedObject> = {}): RenderedObject => ({
  object,
  source: `${object.metadata?.name ?? ''}.yaml#0`,
  ...extra,
});
const obj = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
});
const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: { group: 'example.com', scope: 'Cluster', names: { kind: 'Widget' }, versions: [{ name: 'v1', served: true }] },
};

async function resolve(items: RenderedObject[]): Promise<RenderedObject[]> {
  const scopeOf = scopeResolver(
    served,
    items.map((i) => i.object),
  );
  return resolveObjectScopes(items, { scopeOf, targetNamespace: 'team' });
}

describe('resolveObjectScopes', () => {
  it('defaults the target namespace on namespaced objects only, by discovery or a CRD of the revision', async () => {
    const objects = await resolve([
      item(obj('v1', 'ConfigMap', 'no-ns')),
      item(obj('v1', 'ConfigMap', 'has-ns', 'keep')),
      item(obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'cr')),
      item(obj('v1', 'Namespace', 'team')),
      item(widgetCrd),
      item(obj('example.com/v1', 'Widget', 'w')),
      item(obj('example.com/v1', 'Gadget', 'g')),
      item(obj('other.io/v1', 'Thing', 't')),
    ]);
    assert.deepEqual(
      objects.map((o) => `${o.object.kind}:${o.object.metadata?.namespace ?? '-'}`),
      [
        'ConfigMap:team',
        'ConfigMap:keep',
        'ClusterRole:-',
        'Namespace:-',
        'CustomResourceDefinition:-',
        'Widget:-',
        'Gadget:team',
        'Thing:-',
      ],
    );
  });

  it("drops kustomize's namespace from a cluster-scoped kind, and refuses one written in a file", async () => {
    const [fromKustomize] = await resolve([item(obj('other.io/v1', 'Thing', 't', 'team'), { kustomized: true })]);
    assert.equal(fromKustomize?.object.metadata?.namespace, undefined);
    await assert.rejects(resolve([item(obj('other.io/v1', 'Thing', 't', 'team'))]), (e: unknown) => {
      assert.ok(e instanceof SyncError);
      assert.equal(e.reason, 'ValidationFailed');
      assert.match(e.message, /t\.yaml#0: Thing t: is cluster-scoped but sets metadata\.namespace/);
      return true;
    });
  });

  it('lists every object of a kind nobody serves', async () => {
    await assert.rejects(
      resolve([item(obj('monitoring.coreos.com/v1', 'ServiceMonitor', 'a')), item(obj('v2', 'Odd', 'b'))]),
      /^SyncError: 2 objects cannot be applied: a\.yaml#0: ServiceMonitor a: no CRD for kind ServiceMonitor in group monitoring\.coreos\.com \(monitoring\.coreos\.com\/v1\) is installed, and this revision does not define one; b\.yaml#0: Odd b: the API server does not serve kind Odd in v2$/,
    );
  });
});
