import assert from 'node:assert/strict';
import { constants, createDecipheriv, privateDecrypt } from 'node:crypto';
import { describe, it } from 'node:test';
import { hybridEncrypt } from './hybrid-encrypt.js';
import { generateKeyPairSync } from './key-pair.js';

const { privateKey, publicKey } = generateKeyPairSync(2048);
const label = Buffer.from('prod/db-creds');

describe('hybridEncrypt (Bitnami v1)', () => {
  it('writes uint16 length || RSA-OAEP(32-byte key) || AES-256-GCM with a zero nonce', () => {
    const plaintext = Buffer.from('correct horse battery staple');
    const value = hybridEncrypt(publicKey, label, plaintext);
    assert.equal(value.readUInt16BE(0), 256);
    assert.equal(value.length, 2 + 256 + plaintext.length + 16);
    // Open it by hand with node:crypto, independently of hybridDecrypt.
    const sessionKey = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label },
      value.subarray(2, 258),
    );
    assert.equal(sessionKey.length, 32);
    const decipher = createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12), { authTagLength: 16 });
    decipher.setAuthTag(value.subarray(value.length - 16));
    const opened = Buffer.concat([decipher.update(value.subarray(258, value.length - 16)), decipher.final()]);
    assert.deepEqual(opened, plaintext);
  });
  it('uses a fresh session key every time', () => {
    const a = hybridEncrypt(publicKey, label, Buffer.from('same'));
    const b = hybridEncrypt(publicKey, label, Buffer.from('same'));
    assert.notDeepEqual(a.subarray(2, 258), b.subarray(2, 258));
    assert.notDeepEqual(a.subarray(258), b.subarray(258));
  });
  it('seals an empty value', () => {
    assert.equal(hybridEncrypt(publicKey, label, Buffer.alloc(0)).length, 2 + 256 + 16);
  });
});
