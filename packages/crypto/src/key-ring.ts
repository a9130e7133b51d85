import { createPublicKey, type KeyObject, type X509Certificate } from 'node:crypto';
import { readCertificate } from './certificate.js';
import { CryptoError, CryptoErrorCode } from './errors.js';
import { keyId, sshFingerprint } from './fingerprint.js';
import { parsePrivateKey } from './key-pair.js';
import type { Redacted } from './redacted.js';

/** One private key the controller (or a recovery operator) holds. */
export interface HeldKey {
  readonly keyId: string;
  readonly fingerprint: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly certificate?: X509Certificate | undefined;
  readonly certificatePem?: string | undefined;
  /** Orders keys newest first; from the certificate when not given. */
  readonly notBefore?: Date | undefined;
}

export interface HeldKeyInput {
  readonly keyPem: string | Uint8Array | Redacted;
  readonly certPem?: string;
  readonly notBefore?: Date;
  /** Names the key in errors, e.g. the Secret it came from. */
  readonly name?: string;
}

/** Private keys by key id, newest first. Lookup by key id is O(1). */
export interface PrivateKeyRing {
  readonly keys: readonly HeldKey[];
  get(keyId: string): HeldKey | undefined;
  newest(): HeldKey | undefined;
}

/** Reads a PEM key (PKCS#1 or PKCS#8) and optionally its certificate, which must hold the same public key. */
export function createHeldKey(input: HeldKeyInput): HeldKey {
  const what = input.name ?? 'private key';
  const privateKey = parsePrivateKey(input.keyPem, what);
  const publicKey = createPublicKey(privateKey);
  const base = { keyId: keyId(publicKey), fingerprint: sshFingerprint(publicKey), privateKey, publicKey };
  if (input.certPem === undefined) {
    return input.notBefore ? { ...base, notBefore: input.notBefore } : base;
  }
  // Expired certificates are fine here: old keys stay usable for decryption.
  const cert = readCertificate(input.certPem, `certificate of ${what}`);
  if (!cert.certificate.checkPrivateKey(privateKey)) {
    throw new CryptoError(CryptoErrorCode.InvalidCertificate, `certificate of ${what}: does not match the private key`);
  }
  return {
    ...base,
    certificate: cert.certificate,
    certificatePem: cert.pem,
    notBefore: input.notBefore ?? cert.notBefore,
  };
}

function age(key: HeldKey): number {
  return key.notBefore?.getTime() ?? Number.NEGATIVE_INFINITY;
}

/**
 * A ring of held keys: newest first by notBefore (undated keys last, input order kept among equals). The same
 * key given twice is held once.
 */
export function createKeyRing(keys: Iterable<HeldKey>): PrivateKeyRing {
  const byId = new Map<string, HeldKey>();
  for (const key of keys) {
    if (!byId.has(key.keyId)) byId.set(key.keyId, key);
  }
  const ordered = Object.freeze(
    [...byId.values()].sort((a, b) => {
      const [ta, tb] = [age(a), age(b)];
      if (ta === tb) return 0;
      return ta > tb ? -1 : 1;
    }),
  );
  return {
    keys: ordered,
    get: (id) => byId.get(id),
    newest: () => ordered[0],
  };
}
