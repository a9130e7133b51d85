import { createHash, createHmac, hkdfSync, type KeyObject } from 'node:crypto';
import type { SealedSecretTemplate } from '@gitseal/manifests';

/** Bump when the Secret gitseal produces changes shape, so that every Secret is rebuilt once. */
const CHECKSUM_VERSION = 'gitseal.dev/checksum/v1';
const HMAC_INFO = 'gitseal.dev/secret-data-hmac/v1';

export interface ChecksumInput {
  readonly apiVersion: string;
  readonly namespace: string;
  readonly name: string;
  readonly encryptedData: Readonly<Record<string, string>>;
  readonly template: SealedSecretTemplate | undefined;
  /** The key that opened the object: if it is still held, the same ciphertext still opens the same way. */
  readonly keyId: string;
}

function sortedEntries(record: Readonly<Record<string, string>> | undefined): [string, string][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Canonical JSON: object keys sorted at every level, so the same content always hashes alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * SHA-256 over what decides the produced Secret, none of it secret: the object's identity, its ciphertexts, its
 * template and the id of the key that opened it. Stored on the Secret as `gitseal.dev/checksum`.
 */
export function sealedSecretChecksum(input: ChecksumInput): string {
  const body = canonical({
    v: CHECKSUM_VERSION,
    apiVersion: input.apiVersion,
    namespace: input.namespace,
    name: input.name,
    encryptedData: sortedEntries(input.encryptedData),
    template: input.template ?? null,
    keyId: input.keyId,
  });
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

/** A per-key HMAC key derived (HKDF-SHA256) from the private key: only a holder of the key can compute the tag. */
export function deriveDataHmacKey(privateKey: KeyObject): Buffer {
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  try {
    return Buffer.from(hkdfSync('sha256', der, Buffer.from('gitseal.dev'), Buffer.from(HMAC_INFO), 32));
  } finally {
    der.fill(0);
  }
}

/**
 * Keyed HMAC-SHA256 over a Secret's data (key → base64). Never a plain hash of secret data: without the private
 * key the tag says nothing about the values, so it may sit in an annotation.
 */
export function secretDataHmac(hmacKey: Uint8Array, data: Readonly<Record<string, string>> | undefined): string {
  const mac = createHmac('sha256', hmacKey);
  for (const [key, value] of sortedEntries(data)) {
    const k = Buffer.from(key, 'utf8');
    const v = Buffer.from(value, 'base64');
    const lengths = Buffer.alloc(8);
    lengths.writeUInt32BE(k.length, 0);
    lengths.writeUInt32BE(v.length, 4);
    mac.update(lengths).update(k).update(v);
  }
  return `hmac-sha256:${mac.digest('hex')}`;
}
