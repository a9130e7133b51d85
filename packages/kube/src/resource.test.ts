import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeObject, namespacedName, resourcePath, Resources, splitNamespacedName } from './resource.js';

test('resourcePath builds core, grouped, namespaced and cluster-wide paths', () => {
  assert.equal(resourcePath(Resources.Secret, 'prod'), '/api/v1/namespaces/prod/secrets');
  assert.equal(resourcePath(Resources.Secret), '/api/v1/secrets');
  assert.equal(
    resourcePath(Resources.Lease, 'kube-system', 'lock'),
    '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/lock',
  );
  assert.equal(
    resourcePath(Resources.SealedSecret, 'a b'),
    '/apis/gitseal.dev/v1alpha1/namespaces/a%20b/sealedsecrets',
  );
});

test('namespacedName and splitNamespacedName round-trip', () => {
  assert.equal(namespacedName({ metadata: { namespace: 'ns', name: 'n' } }), 'ns/n');
  assert.equal(namespacedName({ metadata: { name: 'cluster-thing' } }), 'cluster-thing');
  assert.deepEqual(splitNamespacedName('ns/n'), { namespace: 'ns', name: 'n' });
  assert.deepEqual(splitNamespacedName('cluster-thing'), { namespace: undefined, name: 'cluster-thing' });
  assert.equal(describeObject({ kind: 'Secret', metadata: { namespace: 'prod', name: 'db' } }), 'Secret prod/db');
});

test('describeObject names a manifest or a kind, namespace and name the same way, overlong names cut', () => {
  assert.equal(describeObject({ kind: 'ClusterRole', metadata: { name: 'admin' } }), 'ClusterRole admin');
  assert.equal(describeObject({ kind: 'Deployment', namespace: 'prod', name: 'web' }), 'Deployment prod/web');
  assert.equal(describeObject({ metadata: { name: 'x' } }), 'object x');
  const long = 'n'.repeat(100);
  assert.equal(
    describeObject({ kind: 'ConfigMap', namespace: 'a', name: long }),
    `ConfigMap a/${'n'.repeat(63)}…(100 characters)`,
  );
});
