import type { KeyObject } from 'node:crypto';
import { gcmDecrypt, GCM_KEY_BYTES, GCM_NONCE_BYTES, GCM_TAG_BYTES } from './aes-gcm.js';
import { CryptoError, CryptoErrorCode } from './errors.js';
import { splitHybrid } from './hybrid-layout.js';
import { modulusBytes, oaepDecrypt } from './rsa-oaep.js';

const ZERO_NONCE = Buffer.alloc(GCM_NONCE_BYTES);

/** Opens a Bitnami v1 hybrid value (raw bytes, already base64-decoded). Errors are CryptoErrors without secret bytes. */
export function hybridDecrypt(privateKey: KeyObject, label: Uint8Array, value: Uint8Array): Buffer {
  const { rsaCiphertext, rest } = splitHybrid(value, GCM_TAG_BYTES);
  if (rsaCiphertext.length !== modulusBytes(privateKey)) {
    throw new CryptoError(CryptoErrorCode.DecryptFailed, 'RSA part does not match the key size (wrong key)');
  }
  const sessionKey = oaepDecrypt(privateKey, label, rsaCiphertext);
  try {
    if (sessionKey.length !== GCM_KEY_BYTES) {
      throw new CryptoError(CryptoErrorCode.DecryptFailed, 'unwrapped session key has the wrong length');
    }
    return gcmDecrypt(sessionKey, ZERO_NONCE, rest);
  } finally {
    sessionKey.fill(0);
  }
}
