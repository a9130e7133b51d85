import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CryptoError } from './errors.js';
import { hybridDecrypt } from './hybrid-decrypt.js';
import { hybridEncrypt } from './hybrid-encrypt.js';
import { generateKeyPairSync } from './key-pair.js';

const { privateKey, publicKey } = generateKeyPairSync(2048);
const label = Buffer.from('prod/db-creds');
const SECRET = 'super-secret-plaintext-value';
const sealed = hybridEncrypt(publicKey, label, Buffer.from(SECRET));

function refused(code: string) {
  return (e: unknown) => e instanceof CryptoError && e.code === code && !e.message.includes(SECRET);
}

describe('hybridDecrypt (Bitnami v1)', () => {
  it('opens with the right key and label', () => {
    assert.equal(hybridDecrypt(privateKey, label, sealed).toString(), SECRET);
  });
  it('opens an empty value', () => {
    assert.equal(hybridDecrypt(privateKey, label, hybridEncrypt(publicKey, label, Buffer.alloc(0))).length, 0);
  });
  it('refuses another label (moved or renamed object)', () => {
    assert.throws(() => hybridDecrypt(privateKey, Buffer.from('prod/other'), sealed), refused('DECRYPT_FAILED'));
    assert.throws(() => hybridDecrypt(privateKey, Buffer.from(''), sealed), refused('DECRYPT_FAILED'));
  });
  it('refuses another key of the same size and of another size', () => {
    assert.throws(() => hybridDecrypt(generateKeyPairSync(2048).privateKey, label, sealed), refused('DECRYPT_FAILED'));
    assert.throws(
      () => hybridDecrypt(generateKeyPairSync(3072).privateKey, label, sealed),
      /does not match the key size/,
    );
  });
  it('refuses a flipped byte anywhere', () => {
    for (const at of [1, 2, 100, 257, 258, sealed.length - 17, sealed.length - 1]) {
      const bad = Buffer.from(sealed);
      bad[at] = (bad[at] ?? 0) ^ 0x01;
      assert.throws(
        () => hybridDecrypt(privateKey, label, bad),
        (e) => e instanceof CryptoError && ['DECRYPT_FAILED', 'TRUNCATED'].includes(e.code),
        `byte ${at}`,
      );
    }
  });
  it('refuses truncation at every region as TRUNCATED', () => {
    for (const length of [0, 1, 2, 100, 258, 258 + 15]) {
      assert.throws(
        () => hybridDecrypt(privateKey, label, sealed.subarray(0, length)),
        refused('TRUNCATED'),
        `length ${length}`,
      );
    }
  });
  it('refuses a value cut inside the AES-GCM body (the tag no longer matches)', () => {
    assert.throws(
      () => hybridDecrypt(privateKey, label, sealed.subarray(0, sealed.length - 1)),
      refused('DECRYPT_FAILED'),
    );
  });
  it('refuses bytes appended after the tag', () => {
    assert.throws(
      () => hybridDecrypt(privateKey, label, Buffer.concat([sealed, Buffer.from([0])])),
      refused('DECRYPT_FAILED'),
    );
  });
});
