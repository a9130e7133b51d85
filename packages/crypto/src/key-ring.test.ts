import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSelfSignedCertificate } from './self-signed-certificate.js';
import { CryptoError } from './errors.js';
import { keyId, sshFingerprint } from './fingerprint.js';
import { exportPrivateKeyPem, exportPublicKeyPem, generateKeyPairSync } from './key-pair.js';
import { createHeldKey, createKeyRing } from './key-ring.js';

const DAY = 86_400_000;
const a = generateKeyPairSync(2048);
const b = generateKeyPairSync(2048);
const c = generateKeyPairSync(2048);

describe('createHeldKey', () => {
  it('derives key id, fingerprint and public key from a PKCS#1 or PKCS#8 PEM', () => {
    for (const keyPem of [exportPrivateKeyPem(a.privateKey), a.privateKey.export({ type: 'pkcs8', format: 'pem' })]) {
      const held = createHeldKey({ keyPem });
      assert.equal(held.keyId, keyId(a.publicKey));
      assert.equal(held.fingerprint, sshFingerprint(a.publicKey));
      assert.equal(exportPublicKeyPem(held.publicKey), exportPublicKeyPem(a.publicKey));
      assert.equal(held.certificate, undefined);
    }
  });
  it('takes notBefore from the certificate, even an expired one', () => {
    const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000 - 100 * DAY); // X.509 times are whole seconds
    const certPem = createSelfSignedCertificate({ privateKey: a.privateKey, validityDays: 1, notBefore });
    const held = createHeldKey({ keyPem: exportPrivateKeyPem(a.privateKey), certPem });
    assert.equal(held.notBefore?.getTime(), notBefore.getTime());
    assert.equal(held.certificatePem, certPem);
  });
  it('refuses a certificate of another key, naming the key', () => {
    const certPem = createSelfSignedCertificate({ privateKey: b.privateKey });
    assert.throws(
      () => createHeldKey({ keyPem: exportPrivateKeyPem(a.privateKey), certPem, name: 'Secret gitseal-system/k1' }),
      (e) =>
        e instanceof CryptoError &&
        e.code === 'INVALID_CERTIFICATE' &&
        e.message === 'certificate of Secret gitseal-system/k1: does not match the private key',
    );
  });
});

describe('createKeyRing', () => {
  const held = (pair: typeof a, daysAgo?: number) =>
    createHeldKey({
      keyPem: exportPrivateKeyPem(pair.privateKey),
      ...(daysAgo === undefined ? {} : { notBefore: new Date(Date.now() - daysAgo * DAY) }),
    });

  it('orders newest first, undated keys last, and looks up by key id', () => {
    const ring = createKeyRing([held(c), held(a, 60), held(b, 30)]);
    assert.deepEqual(
      ring.keys.map((k) => k.keyId),
      [keyId(b.publicKey), keyId(a.publicKey), keyId(c.publicKey)],
    );
    assert.equal(ring.newest()?.keyId, keyId(b.publicKey));
    assert.equal(ring.get(keyId(a.publicKey))?.fingerprint, sshFingerprint(a.publicKey));
    assert.equal(ring.get('AAAAAAAAAAAAAAAA'), undefined);
  });
  it('holds a key given twice once', () => {
    const ring = createKeyRing([held(a, 1), held(a, 2)]);
    assert.equal(ring.keys.length, 1);
  });
  it('is empty without keys', () => {
    const ring = createKeyRing([]);
    assert.equal(ring.newest(), undefined);
    assert.equal(ring.keys.length, 0);
  });
});
