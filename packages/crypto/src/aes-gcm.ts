import { createCipheriv, createDecipheriv } from 'node:crypto';
import { CryptoError, CryptoErrorCode } from './errors.js';

export const GCM_KEY_BYTES = 32;
export const GCM_NONCE_BYTES = 12;
export const GCM_TAG_BYTES = 16;

/** AES-256-GCM; returns ciphertext || tag. */
export function gcmEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_BYTES });
  if (aad) cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/**
 * Opens ciphertext || tag. The decipher's update() output is held back and only returned once final() has
 * verified the tag; on failure it is zeroed, so no unauthenticated plaintext byte ever leaves this function.
 */
export function gcmDecrypt(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Buffer {
  if (sealed.length < GCM_TAG_BYTES) {
    throw new CryptoError(CryptoErrorCode.Truncated, 'AES-GCM part is shorter than its tag');
  }
  const split = sealed.length - GCM_TAG_BYTES;
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG_BYTES });
  decipher.setAuthTag(sealed.subarray(split));
  if (aad) decipher.setAAD(aad);
  const pending = decipher.update(sealed.subarray(0, split));
  try {
    const tail = decipher.final();
    return tail.length === 0 ? pending : Buffer.concat([pending, tail]);
  } catch {
    pending.fill(0);
    throw new CryptoError(CryptoErrorCode.DecryptFailed, 'AES-GCM authentication failed (tampered or misplaced value)');
  }
}
