import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leanSealedSecret } from './lean-sealed-secret.js';

const base = {
  apiVersion: 'gitseal.dev/v1alpha1',
  kind: 'SealedSecret',
  metadata: {
    name: 'db',
    namespace: 'prod',
    labels: { app: 'db' },
    annotations: {
      'sealedsecrets.bitnami.com/namespace-wide': 'true',
      'kubectl.kubernetes.io/last-applied-configuration': '{"spec":{"encryptedData":{"a":"AgB..."}}}',
    },
    managedFields: [{ manager: 'kubectl' }],
  },
  spec: { encryptedData: { a: 'AgB...' } },
};

test('leanSealedSecret drops managedFields and last-applied-configuration, keeps everything else', () => {
  const lean = leanSealedSecret(base as never) as typeof base;
  assert.equal(lean.metadata.managedFields, undefined);
  assert.deepEqual(lean.metadata.annotations, { 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
  assert.deepEqual(lean.metadata.labels, { app: 'db' });
  assert.deepEqual(lean.spec, base.spec);
  assert.equal(base.metadata.managedFields.length, 1, 'the input is not changed');
  const plain = { ...base, metadata: { name: 'db', namespace: 'prod' } };
  assert.equal(leanSealedSecret(plain as never), plain, 'nothing to drop: the same object');
});
