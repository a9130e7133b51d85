import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { deriveDataHmacKey, sealedSecretChecksum, secretDataHmac, type ChecksumInput } from './secret-checksum.js';

const base: ChecksumInput = {
  apiVersion: 'gitseal.dev/v1alpha1',
  namespace: 'ns',
  name: 'db',
  encryptedData: { a: 'AAAA', b: 'BBBB' },
  template: { metadata: { labels: { x: '1', y: '2' } }, type: 'Opaque' },
  keyId: 'k1k1k1k1k1k1k1k1',
};

test('checksum is stable under key order', () => {
  const reordered = {
    ...base,
    encryptedData: { b: 'BBBB', a: 'AAAA' },
    template: { type: 'Opaque', metadata: { labels: { y: '2', x: '1' } } },
  };
  assert.equal(sealedSecretChecksum(reordered), sealedSecretChecksum(base));
  assert.match(sealedSecretChecksum(base), /^sha256:[0-9a-f]{64}$/);
});

test('checksum changes with every input', () => {
  const changes: Partial<ChecksumInput>[] = [
    { apiVersion: 'bitnami.com/v1alpha1' },
    { namespace: 'other' },
    { name: 'other' },
    { encryptedData: { a: 'AAAA', b: 'BBBC' } },
    { encryptedData: { a: 'AAAA' } },
    { template: { metadata: { labels: { x: '1' } }, type: 'Opaque' } },
    { template: undefined },
    { keyId: 'k2k2k2k2k2k2k2k2' },
  ];
  const seen = new Set([sealedSecretChecksum(base)]);
  for (const change of changes) seen.add(sealedSecretChecksum({ ...base, ...change }));
  assert.equal(seen.size, changes.length + 1);
});

test('data HMAC is keyed by the private key and covers keys and values', () => {
  const k1 = deriveDataHmacKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  const k2 = deriveDataHmacKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  const data = { password: Buffer.from('s3cr3t').toString('base64'), user: Buffer.from('admin').toString('base64') };
  const tag = secretDataHmac(k1, data);
  assert.match(tag, /^hmac-sha256:[0-9a-f]{64}$/);
  assert.equal(secretDataHmac(k1, { user: data.user, password: data.password }), tag);
  assert.notEqual(secretDataHmac(k2, data), tag);
  assert.notEqual(secretDataHmac(k1, { ...data, password: Buffer.from('s3cr3u').toString('base64') }), tag);
  assert.notEqual(secretDataHmac(k1, { passwor: data.password, user: data.user }), tag);
  assert.notEqual(secretDataHmac(k1, { ...data, extra: '' }), tag);
  assert.ok(!tag.includes('s3cr3t'));
});
