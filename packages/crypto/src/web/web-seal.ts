// Browser-safe sealing with WebCrypto (RSA-OAEP-SHA256 + AES-256-GCM): the same bytes as seal-value.ts, for the web
// UI's Seal page, so that the plaintext never leaves the browser. No Node APIs: globalThis.crypto, atob/btoa only.
import { certificateSpki, pemToDer } from './cert-spki.js';

/** Same constants as envelope-v2.ts (docs/format.md). */
export const WEB_ENVELOPE_V2_PREFIX = 'gs2:';
export const WEB_ENVELOPE_V2_DOMAIN = 'gitseal.dev/v2';

export type WebEnvelope = 'v1' | 'v2';

/** WebCrypto's types, named from the global (the package compiles without the DOM library). */
type Subtle = typeof globalThis.crypto.subtle;
type CryptoKey = Awaited<ReturnType<Subtle['importKey']>>;

/** A certificate's public key, imported for RSA-OAEP-SHA256, with its v2 key id. */
export interface WebSealingKey {
  readonly key: CryptoKey;
  readonly keyId: string;
}

const subtle = (): Subtle => {
  const value = globalThis.crypto?.subtle;
  if (value === undefined) throw new Error('WebCrypto is not available (the page needs a secure context)');
  return value;
};

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function uint(value: number, bytes: 2 | 4): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = value & 0xff;
    value = Math.floor(value / 256);
  }
  return out;
}

/** Standard, padded base64 (RFC 4648 §4). */
export function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** base64url without padding (RFC 4648 §5). */
export function base64Url(bytes: Uint8Array): string {
  return base64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Imports the certificate's public key; its key id is base64url(SHA-256(SPKI DER)[0..12]). */
export async function importSealingCert(pem: string): Promise<WebSealingKey> {
  const spki = certificateSpki(pemToDer(pem));
  const key = await subtle().importKey('spki', spki, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt']);
  const digest = new Uint8Array(await subtle().digest('SHA-256', spki));
  return { key, keyId: base64Url(digest.subarray(0, 12)) };
}

/** `"gitseal.dev/v2" || 0x00 || scopeLabel`. */
function v2OaepLabel(scopeLabel: string): Uint8Array {
  return concat(utf8(WEB_ENVELOPE_V2_DOMAIN), new Uint8Array([0]), utf8(scopeLabel));
}

/** `u32be(len) || bytes` for domain, scope label, item key and key id. */
function v2Aad(scopeLabel: string, itemKey: string, keyId: string): Uint8Array {
  return concat(
    ...[WEB_ENVELOPE_V2_DOMAIN, scopeLabel, itemKey, keyId].flatMap((field) => {
      const bytes = utf8(field);
      return [uint(bytes.length, 4), bytes];
    }),
  );
}

/** `uint16_be(len(rsaCt)) || rsaCt || rest`. */
const hybrid = (rsaCiphertext: Uint8Array, ...rest: Uint8Array[]): Uint8Array =>
  concat(uint(rsaCiphertext.length, 2), rsaCiphertext, ...rest);

export interface WebSealInput {
  readonly sealingKey: WebSealingKey;
  /** `namespace/name` (strict), `namespace` (namespace-wide) or empty (cluster-wide). */
  readonly scopeLabel: string;
  /** The item's key in encryptedData; bound into v2 values, unused by v1. */
  readonly itemKey: string;
  readonly plaintext: Uint8Array;
  readonly envelope: WebEnvelope;
}

/**
 * Seals one item with a fresh AES-256 session key wrapped by RSA-OAEP-SHA256: v1 is Bitnami's format (OAEP label
 * = scope label, all-zero nonce, no additional data), v2 gitseal's envelope (domain-separated OAEP label, random
 * nonce, additional data binding the scope label, item key and key id). See docs/format.md.
 */
export async function webSealValue(input: WebSealInput): Promise<string> {
  const { sealingKey, scopeLabel, itemKey, plaintext, envelope } = input;
  const crypto = subtle();
  const sessionBytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
  try {
    const session = await crypto.importKey('raw', sessionBytes, { name: 'AES-GCM' }, false, ['encrypt']);
    const label = envelope === 'v2' ? v2OaepLabel(scopeLabel) : utf8(scopeLabel);
    const rsaCiphertext = new Uint8Array(
      await crypto.encrypt({ name: 'RSA-OAEP', label }, sealingKey.key, sessionBytes),
    );
    if (envelope === 'v1') {
      const nonce = new Uint8Array(12);
      const sealed = new Uint8Array(
        await crypto.encrypt({ name: 'AES-GCM', iv: nonce, tagLength: 128 }, session, plaintext),
      );
      return base64(hybrid(rsaCiphertext, sealed));
    }
    const nonce = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const additionalData = v2Aad(scopeLabel, itemKey, sealingKey.keyId);
    const sealed = new Uint8Array(
      await crypto.encrypt({ name: 'AES-GCM', iv: nonce, additionalData, tagLength: 128 }, session, plaintext),
    );
    return `${WEB_ENVELOPE_V2_PREFIX}${sealingKey.keyId}:${base64Url(utf8(scopeLabel))}:${base64(hybrid(rsaCiphertext, nonce, sealed))}`;
  } finally {
    sessionBytes.fill(0);
  }
}
