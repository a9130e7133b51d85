import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair as generateKeyPairCallback,
  generateKeyPairSync as nodeGenerateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { CryptoError, CryptoErrorCode } from './errors.js';
import { Redacted } from './redacted.js';

export const MIN_RSA_BITS = 2048;
export const DEFAULT_RSA_BITS = 4096;

export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

const generateRsa = promisify(generateKeyPairCallback);

function checkBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < MIN_RSA_BITS) {
    throw new CryptoError(
      CryptoErrorCode.InvalidKey,
      `RSA key size ${bits} is below the minimum of ${MIN_RSA_BITS} bits`,
    );
  }
}

/** A fresh RSA key pair, generated off the main thread by libuv's pool. */
export async function generateKeyPair(bits: number = DEFAULT_RSA_BITS): Promise<KeyPair> {
  checkBits(bits);
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  return { privateKey, publicKey };
}

export function generateKeyPairSync(bits: number = DEFAULT_RSA_BITS): KeyPair {
  checkBits(bits);
  return nodeGenerateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
}

/** Checks that a key is plain RSA (not RSA-PSS) of at least 2048 bits; `what` names it in the error. */
export function assertRsaKey(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new CryptoError(
      CryptoErrorCode.InvalidKey,
      `${what} is a ${key.asymmetricKeyType ?? 'non-asymmetric'} key, not RSA`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw new CryptoError(
      CryptoErrorCode.InvalidKey,
      `${what} is RSA-${bits}, below the minimum of ${MIN_RSA_BITS} bits`,
    );
  }
}

function pemText(pem: string | Uint8Array | Redacted): string | Buffer {
  if (pem instanceof Redacted) return pem.reveal();
  return typeof pem === 'string' ? pem : Buffer.from(pem);
}

/** Reads a PKCS#1 (`RSA PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`) PEM; refuses non-RSA and keys under 2048 bits. */
export function parsePrivateKey(pem: string | Uint8Array | Redacted, what = 'private key'): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pemText(pem), format: 'pem' });
  } catch {
    throw new CryptoError(CryptoErrorCode.InvalidKey, `${what} is not a readable unencrypted PEM private key`);
  }
  assertRsaKey(key, what);
  return key;
}

/** Reads an SPKI (`PUBLIC KEY`) or PKCS#1 (`RSA PUBLIC KEY`) PEM; refuses non-RSA and keys under 2048 bits. */
export function parsePublicKey(pem: string | Uint8Array, what = 'public key'): KeyObject {
  const text = typeof pem === 'string' ? pem : Buffer.from(pem).toString('latin1');
  // createPublicKey would quietly derive a public key from a private PEM or read a certificate unchecked.
  if (!/-----BEGIN (?:RSA )?PUBLIC KEY-----/.test(text) || /PRIVATE KEY|CERTIFICATE/.test(text)) {
    throw new CryptoError(CryptoErrorCode.InvalidKey, `${what} is not a PEM public key`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch {
    throw new CryptoError(CryptoErrorCode.InvalidKey, `${what} is not a readable PEM public key`);
  }
  if (key.type !== 'public') {
    throw new CryptoError(CryptoErrorCode.InvalidKey, `${what} is not a public key`);
  }
  assertRsaKey(key, what);
  return key;
}

/** PKCS#1 `RSA PRIVATE KEY` PEM, the form Bitnami stores as tls.key; wrapped so that it never prints. */
export function exportPrivateKeyPem(privateKey: KeyObject): Redacted {
  return Redacted.fromString(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
}

/** SPKI `PUBLIC KEY` PEM. */
export function exportPublicKeyPem(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}
