import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProducedSecret, type SealedSecret, type Secret } from '@gitseal/manifests';
import { ControllerError } from './controller-error.js';
import { buildKeySet, KeySource, KeyState, readKeySecret } from './key-set.js';
import { isSettled, leanSealedSecret } from './lean-sealed-secret.js';
import { isLeanSecret, leanSecret } from './lean-secret.js';
import { buildSecret, planSecret, readSealedSecret } from './plan-sealed-secret.js';
import { deriveDataHmacKey } from './secret-checksum.js';
import { loadVectorCases, loadVectorKeys } from '../../../test/vectors/bitnami-vectors.mjs';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const vectorKeys = loadVectorKeys();

function keySecret(name: string, state: string, created: string): Secret {
  const key = vectorKeys.find((k) => k.name === name)!;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `k-${name}`,
      namespace: 'gitseal-system',
      labels: { 'gitseal.dev/sealing-key': state },
      creationTimestamp: created,
    },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': b64(key.certPem), 'tls.key': b64(key.keyPem) },
  };
}

const now = new Date('2030-01-01T00:00:00Z');
const keys = buildKeySet(
  [keySecret('key1', 'active', '2026-01-01T00:00:00Z'), keySecret('key2', 'active', '2026-02-01T00:00:00Z')].map((s) =>
    readKeySecret(s, KeySource.Gitseal),
  ),
  now,
);
const hmacKeyFor = (id: string): Buffer | undefined => {
  const key = keys.byId.get(id);
  return key ? deriveDataHmacKey(key.held.privateKey) : undefined;
};
const vector = loadVectorCases().find((c) => c.id === 'strict-basic')!;
const object: SealedSecret = {
  apiVersion: 'gitseal.dev/v1alpha1',
  kind: 'SealedSecret',
  metadata: { name: 'db-creds', namespace: 'prod', uid: 'uid-1', generation: 1 },
  spec: { encryptedData: vector.encryptedData, template: { metadata: { labels: { app: 'db' } }, type: 'Opaque' } },
};
const key1 = keys.keys.find((k) => k.secretName === 'gitseal-system/k-key1')!.held.keyId;

test('key set: newest active key seals, decrypt-only never does, every key decrypts', () => {
  assert.equal(keys.keys.length, 2);
  assert.equal(keys.sealing?.secretName, 'gitseal-system/k-key2', 'same notBefore: the later-created key wins');
  const limited = buildKeySet(
    [
      keySecret('key1', 'active', '2026-01-01T00:00:00Z'),
      keySecret('key2', 'decrypt-only', '2026-02-01T00:00:00Z'),
    ].map((s) => readKeySecret(s, KeySource.Gitseal)),
    now,
  );
  assert.equal(limited.sealing?.secretName, 'gitseal-system/k-key1');
  assert.equal(limited.ring.keys.length, 2);
  const compromised = readKeySecret(keySecret('key1', 'compromised', '2026-01-01T00:00:00Z'), KeySource.Gitseal);
  assert.equal(compromised.state, KeyState.Compromised);
  assert.equal(buildKeySet([compromised], now).sealing, undefined);
  assert.throws(
    () => readKeySecret({ ...keySecret('key1', 'active', ''), data: { 'tls.crt': 'AAAA' } }, KeySource.Gitseal),
    ControllerError,
  );
});

test('readSealedSecret: scope label from annotations; invalid objects are refused with a safe message', () => {
  assert.equal(readSealedSecret(object).scopeLabel, 'prod/db-creds');
  const wide = {
    ...object,
    spec: { ...object.spec, template: { metadata: { annotations: { 'gitseal.dev/namespace-wide': 'true' } } } },
  };
  assert.equal(readSealedSecret(wide).scopeLabel, 'prod');
  assert.throws(() => readSealedSecret({ ...object, spec: { encryptedData: { x: 'not base64!' } } }), ControllerError);
  const huge = { ...object, spec: { encryptedData: { x: 'A'.repeat(1_500_000) } } };
  assert.throws(() => readSealedSecret(huge), /larger than/);
});

test('planSecret: absent → unseal; intact → no RSA; edited, moved key, changed spec → unseal; foreign → refused', () => {
  assert.deepEqual(planSecret(object, undefined, keys, hmacKeyFor), { kind: 'unseal', preferKeyId: undefined });
  const written = buildSecret(readSealedSecret(object), vector.plaintextBase64, [key1], hmacKeyFor);
  assert.deepEqual(written.data, vector.plaintextBase64);
  assert.equal(written.metadata.labels?.[ProducedSecret.Label], 'true');
  assert.equal(written.metadata.labels?.app, 'db');
  assert.equal(written.metadata.ownerReferences?.[0]?.uid, 'uid-1');
  const annotations = JSON.stringify(written.metadata.annotations);
  for (const value of Object.values(vector.plaintextBase64)) assert.ok(!annotations.includes(value));

  const stored: Secret = { ...written, metadata: { ...written.metadata, resourceVersion: '5', uid: 's-1' } };
  assert.deepEqual(planSecret(object, stored, keys, hmacKeyFor), { kind: 'intact', keyIds: [key1], repair: undefined });

  const relabelled = { ...stored, metadata: { ...stored.metadata, labels: {} } };
  const repaired = planSecret(object, relabelled, keys, hmacKeyFor);
  assert.equal(repaired.kind, 'intact');
  assert.ok(
    repaired.kind === 'intact' && repaired.repair?.metadata.labels?.app === 'db',
    'metadata repaired without RSA',
  );

  const edited = { ...stored, data: { ...stored.data, password: b64('changed') } };
  assert.deepEqual(planSecret(object, edited, keys, hmacKeyFor), { kind: 'unseal', preferKeyId: key1 });
  const added = { ...stored, data: { ...stored.data, extra: b64('x') } };
  assert.equal(planSecret(object, added, keys, hmacKeyFor).kind, 'unseal');
  const changed = {
    ...object,
    spec: { ...object.spec, encryptedData: { ...object.spec.encryptedData, more: 'AAAA' } },
  };
  assert.equal(planSecret(changed, stored, keys, hmacKeyFor).kind, 'unseal');
  const onlyKey2 = buildKeySet(
    [readKeySecret(keySecret('key2', 'active', '2026-02-01T00:00:00Z'), KeySource.Gitseal)],
    now,
  );
  assert.equal(planSecret(object, stored, onlyKey2, hmacKeyFor).kind, 'unseal');

  const foreign: Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db-creds', namespace: 'prod' },
    data: {},
  };
  assert.deepEqual(planSecret(object, foreign, keys, hmacKeyFor), { kind: 'foreign' });
  const managed = { ...foreign, metadata: { ...foreign.metadata, annotations: { 'gitseal.dev/managed': 'true' } } };
  assert.equal(planSecret(object, managed, keys, hmacKeyFor).kind, 'unseal');
  const otherOwner = {
    ...managed,
    metadata: {
      ...managed.metadata,
      ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u', controller: true }],
    },
  };
  assert.deepEqual(planSecret(object, otherOwner, keys, hmacKeyFor), { kind: 'foreign' });
});

test('planSecret, Bitnami annotations: a skip-set-owner-references Secret stays intact (no RSA), patch keeps keys', () => {
  const bitnami: SealedSecret = {
    ...object,
    apiVersion: 'bitnami.com/v1alpha1',
    spec: {
      ...object.spec,
      template: { metadata: { annotations: { 'sealedsecrets.bitnami.com/skip-set-owner-references': 'true' } } },
    },
  };
  const written = buildSecret(readSealedSecret(bitnami), vector.plaintextBase64, [key1], hmacKeyFor);
  assert.equal(written.metadata.ownerReferences, undefined);
  assert.deepEqual(planSecret(bitnami, written, keys, hmacKeyFor), {
    kind: 'intact',
    keyIds: [key1],
    repair: undefined,
  });
  // Edited by someone: without managed or patch it is no longer ours to overwrite, as in Bitnami.
  const edited = { ...written, data: { ...written.data, extra: b64('x') } };
  assert.deepEqual(planSecret(bitnami, edited, keys, hmacKeyFor), { kind: 'foreign' });

  const plain: SealedSecret = { ...bitnami, spec: { encryptedData: vector.encryptedData } };
  const existing: Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db-creds', namespace: 'prod', annotations: { 'sealedsecrets.bitnami.com/patch': 'true' } },
    data: { other: b64('kept') },
  };
  assert.equal(planSecret(plain, existing, keys, hmacKeyFor).kind, 'unseal');
  const patched = buildSecret(readSealedSecret(plain), vector.plaintextBase64, [key1], hmacKeyFor, existing);
  assert.deepEqual(patched.data, { other: b64('kept'), ...vector.plaintextBase64 });
  assert.equal(patched.metadata.ownerReferences, undefined);
  assert.equal(planSecret(plain, patched, keys, hmacKeyFor).kind, 'intact');
});

test('planSecret with the lean cached Secret (no data): intact → no RSA, no read; a write needs the whole Secret', () => {
  const written = buildSecret(readSealedSecret(object), vector.plaintextBase64, [key1], hmacKeyFor);
  const stored: Secret = {
    ...written,
    metadata: { ...written.metadata, resourceVersion: '5', uid: 's-1', managedFields: [{ manager: 'x' }] },
  };
  const lean = leanSecret(stored, hmacKeyFor);
  assert.ok(isLeanSecret(lean));
  assert.equal(lean.data, undefined, 'the cache holds no data');
  assert.equal(lean.metadata.managedFields, undefined);
  assert.equal(JSON.stringify(lean).includes(Object.values(vector.plaintextBase64)[0] ?? '?'), false);
  assert.deepEqual(planSecret(object, lean, keys, hmacKeyFor), { kind: 'intact', keyIds: [key1], repair: undefined });

  // Metadata to repair: the repair writes the data back, so it is read first (never written as empty data).
  const relabelled = leanSecret({ ...stored, metadata: { ...stored.metadata, labels: {} } }, hmacKeyFor);
  assert.deepEqual(planSecret(object, relabelled, keys, hmacKeyFor), { kind: 'read' });
  // Edited data (drift): the HMAC computed at cache time no longer matches → read, then unseal.
  const edited = { ...stored, data: { ...stored.data, password: b64('changed') } };
  assert.deepEqual(planSecret(object, leanSecret(edited, hmacKeyFor), keys, hmacKeyFor), { kind: 'read' });
  assert.deepEqual(planSecret(object, edited, keys, hmacKeyFor), { kind: 'unseal', preferKeyId: key1 });
  // Changed spec, or the key gone: read, then unseal.
  const changed = {
    ...object,
    spec: { ...object.spec, encryptedData: { ...object.spec.encryptedData, more: 'AAAA' } },
  };
  assert.deepEqual(planSecret(changed, lean, keys, hmacKeyFor), { kind: 'read' });
  const onlyKey2 = buildKeySet(
    [readKeySecret(keySecret('key2', 'active', '2026-02-01T00:00:00Z'), KeySource.Gitseal)],
    now,
  );
  assert.deepEqual(planSecret(object, lean, onlyKey2, hmacKeyFor), { kind: 'read' });
  // A Secret whose key is not held when it is cached keeps its data: it is planned as before.
  const unknownKey = leanSecret(stored, () => undefined);
  assert.equal(isLeanSecret(unknownKey), false);
  assert.deepEqual(unknownKey.data, stored.data);
  assert.deepEqual(planSecret(object, unknownKey, keys, hmacKeyFor), {
    kind: 'intact',
    keyIds: [key1],
    repair: undefined,
  });
  // Someone else's Secret stays foreign, lean or not.
  const foreign = leanSecret({ ...stored, metadata: { ...stored.metadata, ownerReferences: [] } }, hmacKeyFor);
  assert.deepEqual(planSecret(object, foreign, keys, hmacKeyFor), { kind: 'foreign' });
});

test('planSecret with the settled SealedSecret (cached without ciphertexts): intact → no RSA; anything else → whole object', () => {
  const written = buildSecret(readSealedSecret(object), vector.plaintextBase64, [key1], hmacKeyFor);
  const stored: Secret = { ...written, metadata: { ...written.metadata, resourceVersion: '5', uid: 's-1' } };
  const settled = leanSealedSecret(object as never, () => stored) as unknown as SealedSecret;
  assert.ok(isSettled(settled));
  assert.deepEqual(settled.spec.encryptedData, {}, 'no ciphertext kept');
  assert.equal(readSealedSecret(settled).sealedSecret, settled, 'still a valid SealedSecret');
  assert.deepEqual(planSecret(settled, stored, keys, hmacKeyFor), {
    kind: 'intact',
    keyIds: [key1],
    repair: undefined,
  });
  const relabelled = { ...stored, metadata: { ...stored.metadata, labels: {} } };
  const repaired = planSecret(settled, relabelled, keys, hmacKeyFor);
  assert.ok(repaired.kind === 'intact' && repaired.repair !== undefined, 'metadata repaired without RSA');
  assert.equal(
    repaired.repair?.metadata.annotations?.[ProducedSecret.Checksum],
    stored.metadata.annotations?.[ProducedSecret.Checksum],
  );
  // Edited data, the Secret gone, or opened by other keys: the plan needs ciphertexts, which a settled object lacks.
  const edited = { ...stored, data: { ...stored.data, password: b64('changed') } };
  assert.equal(planSecret(settled, edited, keys, hmacKeyFor).kind, 'unseal');
  assert.equal(planSecret(settled, undefined, keys, hmacKeyFor).kind, 'unseal');
  const otherKeys = {
    ...stored,
    metadata: { ...stored.metadata, annotations: { ...stored.metadata.annotations, [ProducedSecret.KeyId]: 'other' } },
  };
  assert.equal(planSecret(settled, otherKeys, keys, hmacKeyFor).kind, 'unseal');
  assert.throws(
    () => buildSecret(readSealedSecret(settled), vector.plaintextBase64, [key1], hmacKeyFor),
    /whole object/,
  );
});
