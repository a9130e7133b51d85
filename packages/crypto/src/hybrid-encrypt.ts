import { randomBytes, type KeyObject } from 'node:crypto';
import { gcmEncrypt, GCM_KEY_BYTES, GCM_NONCE_BYTES } from './aes-gcm.js';
import { joinHybrid } from './hybrid-layout.js';
import { oaepEncrypt } from './rsa-oaep.js';

// Bitnami uses an all-zero nonce; safe because every value gets a fresh, single-use session key.
const ZERO_NONCE = Buffer.alloc(GCM_NONCE_BYTES);

/**
 * Bitnami sealed-secrets v1 hybrid encryption: `uint16_be(len(rsaCt)) || rsaCt || aesGcm(ct || tag)`, where
 * rsaCt is RSA-OAEP-SHA256(sessionKey, label) and the AES-256-GCM nonce is all zero.
 */
export function hybridEncrypt(publicKey: KeyObject, label: Uint8Array, plaintext: Uint8Array): Buffer {
  const sessionKey = randomBytes(GCM_KEY_BYTES);
  try {
    const rsaCiphertext = oaepEncrypt(publicKey, label, sessionKey);
    return joinHybrid(rsaCiphertext, gcmEncrypt(sessionKey, ZERO_NONCE, plaintext));
  } finally {
    sessionKey.fill(0);
  }
}
