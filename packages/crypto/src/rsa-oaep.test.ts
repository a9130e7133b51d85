import assert from 'node:assert/strict';
import { constants, privateDecrypt } from 'node:crypto';
import { describe, it } from 'node:test';
import { CryptoError } from './errors.js';
import { generateKeyPairSync } from './key-pair.js';
import { modulusBytes, oaepDecrypt, oaepEncrypt } from './rsa-oaep.js';

const { privateKey, publicKey } = generateKeyPairSync(2048);
const label = Buffer.from('prod/db');
const message = Buffer.alloc(32, 0x5a);

describe('RSA-OAEP-SHA256', () => {
  it('makes a modulus-sized ciphertext that opens with SHA-256 OAEP and the label', () => {
    const ct = oaepEncrypt(publicKey, label, message);
    assert.equal(ct.length, 256);
    assert.equal(modulusBytes(privateKey), 256);
    const opened = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label },
      ct,
    );
    assert.deepEqual(opened, message);
    assert.deepEqual(oaepDecrypt(privateKey, label, ct), message);
  });
  it('does not open with SHA-1 OAEP', () => {
    const ct = oaepEncrypt(publicKey, label, message);
    assert.throws(() =>
      privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepLabel: label }, ct),
    );
  });
  it('binds the label, including the empty label', () => {
    const ct = oaepEncrypt(publicKey, Buffer.alloc(0), message);
    assert.deepEqual(oaepDecrypt(privateKey, Buffer.alloc(0), ct), message);
    assert.throws(
      () => oaepDecrypt(privateKey, label, ct),
      (e) => e instanceof CryptoError && e.code === 'DECRYPT_FAILED',
    );
  });
  it('refuses another key', () => {
    const other = generateKeyPairSync(2048);
    const ct = oaepEncrypt(publicKey, label, message);
    assert.throws(() => oaepDecrypt(other.privateKey, label, ct), /wrong key or scope label/);
  });
});
