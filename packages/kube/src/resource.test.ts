import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeObject, objectKey, resourcePath, Resources, splitObjectKey } from './resource.js';

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

test('objectKey and splitObjectKey round-trip', () => {
  assert.equal(objectKey({ metadata: { namespace: 'ns', name: 'n' } }), 'ns/n');
  assert.equal(objectKey({ metadata: { name: 'cluster-thing' } }), 'cluster-thing');
  assert.deepEqual(splitObjectKey('ns/n'), { namespace: 'ns', name: 'n' });
  assert.deepEqual(splitObjectKey('cluster-thing'), { namespace: undefined, name: 'cluster-thing' });
  assert.equal(describeObject({ kind: 'Secret', metadata: { namespace: 'prod', name: 'db' } }), 'Secret prod/db');
});
