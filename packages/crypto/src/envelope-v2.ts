import { randomBytes, type KeyObject } from 'node:crypto';
import { gcmDecrypt, gcmEncrypt, GCM_KEY_BYTES, GCM_NONCE_BYTES, GCM_TAG_BYTES } from './aes-gcm.js';
import { CryptoError, CryptoErrorCode } from './errors.js';
import { isKeyId, keyId as computeKeyId } from './fingerprint.js';
import { joinHybrid, splitHybrid } from './hybrid-layout.js';
import { oaepDecrypt, oaepEncrypt } from './rsa-oaep.js';
import { MAX_SCOPE_LABEL_LENGTH, SCOPE_LABEL_FORBIDDEN } from './scope-label.js';
import { decodeBase64Strict, decodeBase64UrlStrict, encodeBase64, encodeBase64Url } from './strict-base64.js';

/** Every v2 value starts with this; a v1 value is pure base64 and can never contain ':'. */
export const ENVELOPE_V2_PREFIX = 'gs2:';
/** Domain separation string, in the OAEP label and the AEAD additional data. */
export const ENVELOPE_V2_DOMAIN = 'gitseal.dev/v2';

/** A parsed v2 value. keyId and scopeLabel are readable without any private key. */
export interface EnvelopeV2 {
  readonly keyId: string;
  readonly scopeLabel: string;
  /** `uint16_be(len(rsaCt)) || rsaCt || nonce(12) || ct || tag(16)` */
  readonly payload: Buffer;
}

export interface SealEnvelopeV2Input {
  readonly publicKey: KeyObject;
  readonly scopeLabel: string;
  readonly itemKey: string;
  readonly plaintext: Uint8Array;
}

export interface OpenEnvelopeV2Input {
  readonly privateKey: KeyObject;
  readonly envelope: EnvelopeV2;
  readonly itemKey: string;
}

export function isEnvelopeV2(value: string): boolean {
  return value.startsWith(ENVELOPE_V2_PREFIX);
}

/** `"gitseal.dev/v2" || 0x00 || scopeLabel`: no Kubernetes name holds NUL, so no v1 label can equal it. */
export function envelopeV2OaepLabel(scopeLabel: string): Buffer {
  return Buffer.concat([Buffer.from(ENVELOPE_V2_DOMAIN, 'utf8'), Buffer.from([0]), Buffer.from(scopeLabel, 'utf8')]);
}

/** `u32be(len) || bytes` for domain, scope label, item key and key id, so no two field lists encode alike. */
export function envelopeV2Aad(scopeLabel: string, itemKey: string, keyId: string): Buffer {
  const parts = [ENVELOPE_V2_DOMAIN, scopeLabel, itemKey, keyId].flatMap((field) => {
    const bytes = Buffer.from(field, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length, 0);
    return [length, bytes];
  });
  return Buffer.concat(parts);
}

function malformed(what: string, cause: string): CryptoError {
  return new CryptoError(CryptoErrorCode.InvalidEnvelope, `${what}: ${cause}`);
}

/** Parses and checks the framing of a v2 value; needs no key. `what` names the value in errors. */
export function parseEnvelopeV2(value: string, what = 'value'): EnvelopeV2 {
  if (!isEnvelopeV2(value)) throw malformed(what, `not a v2 envelope (no "${ENVELOPE_V2_PREFIX}" prefix)`);
  const fields = value.slice(ENVELOPE_V2_PREFIX.length).split(':');
  if (fields.length !== 3) throw malformed(what, `v2 envelope has ${fields.length + 1} fields, expected 4`);
  const [keyId = '', labelField = '', payloadField = ''] = fields;
  if (!isKeyId(keyId)) throw malformed(what, 'v2 key id is not 16 base64url characters');
  if (labelField.length > Math.ceil((MAX_SCOPE_LABEL_LENGTH * 4) / 3)) {
    throw malformed(what, `v2 scope label is longer than ${MAX_SCOPE_LABEL_LENGTH} characters`);
  }
  let labelBytes: Buffer;
  try {
    labelBytes = decodeBase64UrlStrict(labelField, 'scope label');
  } catch {
    throw malformed(what, 'v2 scope label is not valid base64url');
  }
  const scopeLabel = labelBytes.toString('utf8');
  if (!Buffer.from(scopeLabel, 'utf8').equals(labelBytes) || scopeLabel.includes('\0')) {
    throw malformed(what, 'v2 scope label is not valid UTF-8 text');
  }
  if (labelBytes.length > MAX_SCOPE_LABEL_LENGTH) {
    throw malformed(what, `v2 scope label is longer than ${MAX_SCOPE_LABEL_LENGTH} characters`);
  }
  if (SCOPE_LABEL_FORBIDDEN.test(scopeLabel)) {
    throw malformed(what, 'v2 scope label holds control characters');
  }
  const payload = decodeBase64Strict(payloadField, `${what} payload`);
  splitHybrid(payload, GCM_NONCE_BYTES + GCM_TAG_BYTES);
  return { keyId, scopeLabel, payload };
}

/** Seals one item as `gs2:<keyId>:<base64url(scopeLabel)>:<base64(payload)>` with a fresh key and random nonce. */
export function sealEnvelopeV2(input: SealEnvelopeV2Input): string {
  const { publicKey, scopeLabel, itemKey, plaintext } = input;
  const keyId = computeKeyId(publicKey);
  const sessionKey = randomBytes(GCM_KEY_BYTES);
  try {
    const nonce = randomBytes(GCM_NONCE_BYTES);
    const rsaCiphertext = oaepEncrypt(publicKey, envelopeV2OaepLabel(scopeLabel), sessionKey);
    const sealed = gcmEncrypt(sessionKey, nonce, plaintext, envelopeV2Aad(scopeLabel, itemKey, keyId));
    const payload = joinHybrid(rsaCiphertext, nonce, sealed);
    return `${ENVELOPE_V2_PREFIX}${keyId}:${encodeBase64Url(Buffer.from(scopeLabel, 'utf8'))}:${encodeBase64(payload)}`;
  } finally {
    sessionKey.fill(0);
  }
}

/**
 * Opens a parsed v2 value for `itemKey` under the scope label it carries; the caller compares that label with
 * the expected one first. A value moved to another item, object or key fails the AEAD check.
 */
export function openEnvelopeV2(input: OpenEnvelopeV2Input): Buffer {
  const { privateKey, envelope, itemKey } = input;
  const { rsaCiphertext, rest } = splitHybrid(envelope.payload, GCM_NONCE_BYTES + GCM_TAG_BYTES);
  const sessionKey = oaepDecrypt(privateKey, envelopeV2OaepLabel(envelope.scopeLabel), rsaCiphertext);
  try {
    if (sessionKey.length !== GCM_KEY_BYTES) {
      throw new CryptoError(CryptoErrorCode.DecryptFailed, 'unwrapped session key has the wrong length');
    }
    const aad = envelopeV2Aad(envelope.scopeLabel, itemKey, envelope.keyId);
    return gcmDecrypt(sessionKey, rest.subarray(0, GCM_NONCE_BYTES), rest.subarray(GCM_NONCE_BYTES), aad);
  } finally {
    sessionKey.fill(0);
  }
}
