import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createHeldKey,
  createKeyRing,
  Envelope,
  generateKeyPairSync,
  keyId,
  scopeLabel,
  sealValue,
  type HeldKey,
} from '@gitseal/crypto';
import { loadVectorCases, loadVectorKeys } from '../../../test/vectors/bitnami-vectors.mjs';
import { resealSealedSecret, unsealSealedSecret } from './unseal-sealed-secret.js';

const keys = loadVectorKeys();
const held = new Map<string, HeldKey>(
  keys.map((k) => [k.name, createHeldKey({ keyPem: k.keyPem, certPem: k.certPem, name: k.name })]),
);
const ring = createKeyRing(['key1', 'key2'].map((n) => held.get(n)!));

for (const c of loadVectorCases()) {
  test(`vector ${c.id}: ${c.expect}`, () => {
    const outcome = unsealSealedSecret(ring, {
      object: `${c.namespace}/${c.name}`,
      scopeLabel: scopeLabel(c.scope, c.namespace, c.name),
      encryptedData: c.encryptedData,
    });
    if (c.expect === 'ok') {
      assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
      assert.deepEqual(outcome.data, c.plaintextBase64);
      assert.deepEqual(outcome.keyIds, [held.get(c.key)!.keyId]);
      assert.ok(outcome.rsaOperations >= Object.keys(c.encryptedData).length);
    } else {
      assert.equal(outcome.ok, false);
      assert.ok(!('data' in outcome));
      for (const value of Object.values(c.plaintextBase64)) {
        if (value.length >= 4) assert.ok(!outcome.message.includes(value));
      }
      assert.ok(outcome.message.startsWith(`SealedSecret ${c.namespace}/${c.name}: `), outcome.message);
    }
  });
}

test('the key that opened one item is tried first for the next: one RSA operation per item', () => {
  const c = loadVectorCases().find((v) => v.id === 'strict-basic')!;
  const request = { object: 'prod/db-creds', scopeLabel: 'prod/db-creds', encryptedData: c.encryptedData };
  const reversed = createKeyRing(
    [held.get('key2')!, held.get('key1')!].map((k, i) => ({ ...k, notBefore: new Date(2000 - i * 10, 0) })),
  );
  const outcome = unsealSealedSecret(reversed, request);
  assert.ok(outcome.ok);
  // key2 is newest, so the first item costs 2 operations and the second only 1.
  assert.equal(outcome.rsaOperations, 3);
  const hinted = unsealSealedSecret(reversed, { ...request, preferKeyId: held.get('key1')!.keyId });
  assert.ok(hinted.ok);
  assert.equal(hinted.rsaOperations, 2);
});

test('an empty ring or object is refused without RSA work', () => {
  const none = unsealSealedSecret(createKeyRing([]), {
    object: 'a/b',
    scopeLabel: 'a/b',
    encryptedData: { x: 'AAAA' },
  });
  assert.equal(none.ok, false);
  assert.equal(none.rsaOperations, 0);
  const empty = unsealSealedSecret(ring, { object: 'a/b', scopeLabel: 'a/b', encryptedData: {} });
  assert.equal(empty.ok, false);
});

test('reseal re-encrypts to the sealing key, same scope, same envelope per item', () => {
  const fresh = generateKeyPairSync(2048);
  const freshHeld: HeldKey = {
    ...createHeldKey({ keyPem: fresh.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() }),
    notBefore: new Date(),
  };
  const both = createKeyRing([...ring.keys, freshHeld]);
  const label = 'ns/app';
  const oldKey = held.get('key1')!;
  const encryptedData = {
    a: sealValue({
      publicKey: oldKey.publicKey,
      scopeLabel: label,
      itemKey: 'a',
      plaintext: Buffer.from('alpha'),
      envelope: Envelope.V1,
    }),
    b: sealValue({
      publicKey: oldKey.publicKey,
      scopeLabel: label,
      itemKey: 'b',
      plaintext: Buffer.from('beta'),
      envelope: Envelope.V2,
    }),
  };
  const resealed = resealSealedSecret(both, {
    object: 'ns/app',
    scopeLabel: label,
    encryptedData,
    sealingKeyId: keyId(fresh.publicKey),
  });
  assert.ok(resealed.ok);
  assert.ok(resealed.encryptedData.b!.startsWith(`gs2:${keyId(fresh.publicKey)}:`));
  assert.ok(!resealed.encryptedData.a!.startsWith('gs2:'));
  const onlyFresh = createKeyRing([freshHeld]);
  const reopened = unsealSealedSecret(onlyFresh, {
    object: 'ns/app',
    scopeLabel: label,
    encryptedData: resealed.encryptedData,
  });
  assert.ok(reopened.ok);
  assert.deepEqual(reopened.data, {
    a: Buffer.from('alpha').toString('base64'),
    b: Buffer.from('beta').toString('base64'),
  });
  const widened = unsealSealedSecret(onlyFresh, {
    object: 'ns/other',
    scopeLabel: 'ns',
    encryptedData: resealed.encryptedData,
  });
  assert.equal(widened.ok, false);
});
