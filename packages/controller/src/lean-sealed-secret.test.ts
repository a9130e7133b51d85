import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProducedSecret, type SealedSecret, type Secret } from '@gitseal/manifests';
import { checksumOfSealedSecret, isSettled, leanSealedSecret } from './lean-sealed-secret.js';

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

test('with the Secret cache: settled (no ciphertexts) only when the Secret carries the checksum of exactly them', () => {
  const object = {
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'db', namespace: 'prod', uid: 'u-1' },
    spec: { encryptedData: { a: 'AgB1', b: 'AgB2' }, template: { type: 'Opaque' } },
    status: { observedGeneration: 1 },
  } as unknown as SealedSecret;
  const checksum = checksumOfSealedSecret(object, ['k1']);
  const secret = (annotations: Record<string, string>): Secret => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'prod', annotations },
  });
  const asked: string[] = [];
  const settled = leanSealedSecret(object as never, (namespace, name) => {
    asked.push(`${namespace}/${name}`);
    return secret({ [ProducedSecret.Checksum]: checksum!, [ProducedSecret.KeyId]: 'k1' });
  }) as unknown as SealedSecret;
  assert.deepEqual(asked, ['prod/db']);
  assert.ok(isSettled(settled));
  assert.deepEqual(settled.spec, { encryptedData: {}, template: { type: 'Opaque' } });
  assert.deepEqual(settled.metadata, object.metadata);
  assert.deepEqual(settled.status, object.status);
  assert.deepEqual(JSON.parse(JSON.stringify(settled)).spec.encryptedData, {}, 'the memo is not serialised');
  assert.equal(checksumOfSealedSecret(settled, ['k1']), checksum, 'the checksum its ciphertexts gave');
  assert.equal(checksumOfSealedSecret(settled, ['k2']), undefined, 'other keys: unknown without the ciphertexts');
  assert.deepEqual(object.spec.encryptedData, { a: 'AgB1', b: 'AgB2' }, 'the input is not changed');

  const kept = (produced: Secret | undefined): boolean =>
    !isSettled(leanSealedSecret(object as never, () => produced) as unknown as SealedSecret);
  assert.ok(kept(undefined), 'no Secret yet: ciphertexts kept for the unseal');
  assert.ok(kept(secret({ [ProducedSecret.Checksum]: 'sha256:other', [ProducedSecret.KeyId]: 'k1' })), 'changed');
  assert.ok(kept(secret({ [ProducedSecret.Checksum]: checksum! })), 'no key id');
  assert.ok(kept(secret({ [ProducedSecret.Checksum]: checksum!, [ProducedSecret.KeyId]: 'k2' })), 'other key');
  const empty = { ...object, spec: { encryptedData: {} } } as unknown as SealedSecret;
  assert.ok(!isSettled(leanSealedSecret(empty as never, () => secret({})) as unknown as SealedSecret));
});
