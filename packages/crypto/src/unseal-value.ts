import { gcmDecrypt, GCM_KEY_BYTES, GCM_NONCE_BYTES, GCM_TAG_BYTES } from './aes-gcm.js';
import { Envelope } from './envelope.js';
import { isEnvelopeV2, openEnvelopeV2, parseEnvelopeV2 } from './envelope-v2.js';
import { CryptoError, CryptoErrorCode } from './errors.js';
import { splitHybrid } from './hybrid-layout.js';
import { orderKeysForTrial } from './key-order.js';
import type { PrivateKeyRing } from './key-ring.js';
import { Redacted } from './redacted.js';
import { modulusBytes, oaepDecrypt } from './rsa-oaep.js';
import { describeScopeLabel } from './scope-label.js';
import { decodeBase64Strict } from './strict-base64.js';

export interface UnsealValueInput {
  readonly keys: PrivateKeyRing;
  /** The label where the value is presented now (from the object's namespace, name and scope). */
  readonly scopeLabel: string;
  readonly itemKey: string;
  readonly value: string;
  /** v1 only: try this key first (e.g. the one that opened the object's other items). */
  readonly preferKeyId?: string | undefined;
}

export interface UnsealedValue {
  readonly plaintext: Redacted;
  readonly keyId: string;
  readonly envelope: Envelope;
  /** RSA private-key operations spent (v2: one; v1: one per key tried). A failure carries it on the CryptoError. */
  readonly rsaOperations: number;
}

/** Counts RSA private operations across the attempt, so a failure can report them too. */
interface Spent {
  rsa: number;
}

const V1_ZERO_NONCE = Buffer.alloc(GCM_NONCE_BYTES);

function withItem(itemKey: string, error: unknown, spent: Spent): CryptoError {
  const details = { rsaOperations: spent.rsa };
  if (error instanceof CryptoError) return new CryptoError(error.code, `item "${itemKey}": ${error.message}`, details);
  return new CryptoError(CryptoErrorCode.DecryptFailed, `item "${itemKey}": decryption failed`, details);
}

function keep(plaintext: Buffer): Redacted {
  const wrapped = new Redacted(plaintext);
  plaintext.fill(0);
  return wrapped;
}

function unsealV2(input: UnsealValueInput, spent: Spent): UnsealedValue {
  const { keys, scopeLabel, itemKey } = input;
  const envelope = parseEnvelopeV2(input.value, 'value');
  if (envelope.scopeLabel !== scopeLabel) {
    throw new CryptoError(
      CryptoErrorCode.ScopeMismatch,
      `sealed for scope ${describeScopeLabel(envelope.scopeLabel)}, presented as ${describeScopeLabel(scopeLabel)}`,
    );
  }
  const held = keys.get(envelope.keyId);
  if (!held) {
    throw new CryptoError(CryptoErrorCode.UnknownKey, `sealed with key ${envelope.keyId}, which is not held`);
  }
  spent.rsa += 1;
  const plaintext = openEnvelopeV2({ privateKey: held.privateKey, envelope, itemKey });
  return { plaintext: keep(plaintext), keyId: held.keyId, envelope: Envelope.V2, rsaOperations: spent.rsa };
}

function unsealV1(input: UnsealValueInput, spent: Spent): UnsealedValue {
  const { keys, scopeLabel } = input;
  const { rsaCiphertext, rest } = splitHybrid(decodeBase64Strict(input.value, 'value'), GCM_TAG_BYTES);
  const label = Buffer.from(scopeLabel, 'utf8');
  for (const held of orderKeysForTrial(keys, input.preferKeyId)) {
    // An OAEP ciphertext is exactly as long as the modulus, so other key sizes cannot match.
    if (modulusBytes(held.privateKey) !== rsaCiphertext.length) continue;
    let sessionKey: Buffer;
    spent.rsa += 1;
    try {
      sessionKey = oaepDecrypt(held.privateKey, label, rsaCiphertext);
    } catch {
      continue;
    }
    try {
      // The unwrap succeeded, so key and label are right: a failure from here on means tampering.
      if (sessionKey.length !== GCM_KEY_BYTES) {
        throw new CryptoError(CryptoErrorCode.DecryptFailed, 'unwrapped session key has the wrong length');
      }
      const plaintext = gcmDecrypt(sessionKey, V1_ZERO_NONCE, rest);
      return { plaintext: keep(plaintext), keyId: held.keyId, envelope: Envelope.V1, rsaOperations: spent.rsa };
    } finally {
      sessionKey.fill(0);
    }
  }
  throw new CryptoError(
    CryptoErrorCode.DecryptFailed,
    `none of ${keys.keys.length} held keys opens it for scope ${describeScopeLabel(scopeLabel)} (wrong key, moved or renamed object, or tampered)`,
  );
}

/**
 * Opens one sealed item, v1 or v2. Errors are CryptoErrors whose one-line message names the item and the cause
 * (never secret bytes); the caller prefixes the object.
 */
export function unsealValue(input: UnsealValueInput): UnsealedValue {
  const spent: Spent = { rsa: 0 };
  try {
    return isEnvelopeV2(input.value) ? unsealV2(input, spent) : unsealV1(input, spent);
  } catch (error) {
    throw withItem(input.itemKey, error, spent);
  }
}
