import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadVectorKeys } from '../../../test/vectors/bitnami-vectors.mjs';
import { CryptoError } from './errors.js';
import { isKeyId, keyId, sshFingerprint } from './fingerprint.js';

const keys = loadVectorKeys();

describe('sshFingerprint', () => {
  for (const key of keys) {
    it(`equals keys.json for ${key.name} from the private key, public key and certificate`, () => {
      const fromPrivate = sshFingerprint(createPublicKey(key.keyPem));
      assert.equal(fromPrivate, key.fingerprint);
      assert.equal(sshFingerprint(new X509Certificate(key.certPem).publicKey), key.fingerprint);
      assert.match(fromPrivate, /^SHA256:[A-Za-z0-9+/]{43}$/);
    });
  }
  it('differs between keys', () => {
    assert.equal(new Set(keys.map((k) => sshFingerprint(createPublicKey(k.keyPem)))).size, keys.length);
  });
  it('refuses a non-RSA key', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    assert.throws(
      () => sshFingerprint(publicKey),
      (e) => e instanceof CryptoError && e.code === 'INVALID_KEY',
    );
  });
});

describe('keyId', () => {
  const key1 = keys.find((k) => k.name === 'key1');
  assert.ok(key1);
  const publicKey = createPublicKey(key1.keyPem);

  it('is base64url of the first 12 bytes of SHA-256 over the SPKI DER', () => {
    const der = publicKey.export({ type: 'spki', format: 'der' });
    const expected = createHash('sha256').update(der).digest().subarray(0, 12).toString('base64url');
    assert.equal(keyId(publicKey), expected);
    assert.equal(keyId(publicKey).length, 16);
    assert.ok(isKeyId(keyId(publicKey)));
  });
  it('is the same from the private key and the certificate', () => {
    const fromCert = keyId(new X509Certificate(key1.certPem).publicKey);
    assert.equal(fromCert, keyId(publicKey));
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    assert.equal(keyId(privateKey), keyId(createPublicKey(privateKey)));
  });
  it('differs between keys', () => {
    assert.equal(new Set(keys.map((k) => keyId(createPublicKey(k.keyPem)))).size, keys.length);
  });
  it('isKeyId accepts only 16 base64url characters', () => {
    assert.equal(isKeyId('MN7GxKmgB-hsUx-O'), true);
    assert.equal(isKeyId('MN7GxKmgB+hsUx/O'), false);
    assert.equal(isKeyId('MN7GxKmgB-hsUx-'), false);
    assert.equal(isKeyId(''), false);
  });
});
