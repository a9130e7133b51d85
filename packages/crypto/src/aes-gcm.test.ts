import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { gcmDecrypt, gcmEncrypt, GCM_TAG_BYTES } from './aes-gcm.js';
import { CryptoError } from './errors.js';

const key = randomBytes(32);
const nonce = randomBytes(12);
const plaintext = Buffer.from('s3cr3t-value-with-some-length');

describe('AES-256-GCM', () => {
  it('round-trips and appends a 16-byte tag', () => {
    const sealed = gcmEncrypt(key, nonce, plaintext);
    assert.equal(sealed.length, plaintext.length + GCM_TAG_BYTES);
    assert.deepEqual(gcmDecrypt(key, nonce, sealed), plaintext);
  });
  it('binds the additional data', () => {
    const sealed = gcmEncrypt(key, nonce, plaintext, Buffer.from('item-a'));
    assert.deepEqual(gcmDecrypt(key, nonce, sealed, Buffer.from('item-a')), plaintext);
    assert.throws(
      () => gcmDecrypt(key, nonce, sealed, Buffer.from('item-b')),
      (e) => e instanceof CryptoError && e.code === 'DECRYPT_FAILED',
    );
  });
  it('refuses a flipped ciphertext or tag byte', () => {
    const sealed = gcmEncrypt(key, nonce, plaintext);
    for (const at of [0, sealed.length - 1]) {
      const bad = Buffer.from(sealed);
      bad[at] = (bad[at] ?? 0) ^ 1;
      assert.throws(
        () => gcmDecrypt(key, nonce, bad),
        (e) => e instanceof CryptoError && e.code === 'DECRYPT_FAILED',
      );
    }
  });
  it('refuses input shorter than the tag as truncated', () => {
    assert.throws(
      () => gcmDecrypt(key, nonce, Buffer.alloc(GCM_TAG_BYTES - 1)),
      (e) => e instanceof CryptoError && e.code === 'TRUNCATED',
    );
  });
  it('refuses a truncated tag instead of accepting a short one', () => {
    const sealed = gcmEncrypt(key, nonce, plaintext);
    assert.throws(() => gcmDecrypt(key, nonce, sealed.subarray(0, sealed.length - 4)), CryptoError);
  });
  it('never puts plaintext in the error message', () => {
    const sealed = gcmEncrypt(key, nonce, plaintext);
    sealed[0] = (sealed[0] ?? 0) ^ 0xff;
    assert.throws(
      () => gcmDecrypt(key, nonce, sealed),
      (e) => e instanceof Error && !e.message.includes('s3cr3t') && !e.message.includes(plaintext.toString('base64')),
    );
  });
});
