import { constants, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import { CryptoError, CryptoErrorCode } from './errors.js';

/** RSA-OAEP with SHA-256 for both the OAEP hash and MGF1, as Bitnami sealed-secrets uses it. */
export function oaepEncrypt(publicKey: KeyObject, label: Uint8Array, message: Uint8Array): Buffer {
  return publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label },
    message,
  );
}

/** Throws DECRYPT_FAILED without the underlying reason, so a wrong key and a wrong label look the same. */
export function oaepDecrypt(privateKey: KeyObject, label: Uint8Array, ciphertext: Uint8Array): Buffer {
  try {
    return privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label },
      ciphertext,
    );
  } catch {
    throw new CryptoError(CryptoErrorCode.DecryptFailed, 'RSA-OAEP unwrap failed (wrong key or scope label)');
  }
}

/** The RSA modulus size in bytes, which is also the exact size of every OAEP ciphertext under that key. */
export function modulusBytes(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (bits === undefined) {
    throw new CryptoError(CryptoErrorCode.InvalidKey, 'key is not an RSA key');
  }
  return Math.ceil(bits / 8);
}
