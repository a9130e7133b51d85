import {
  CryptoError,
  CryptoErrorCode,
  inspectSealedValue,
  sealValue,
  unsealValue,
  type PrivateKeyRing,
} from '@gitseal/crypto';

export interface UnsealRequest {
  /** Names the object in messages, e.g. `ns/name`. */
  readonly object: string;
  readonly scopeLabel: string;
  readonly encryptedData: Readonly<Record<string, string>>;
  /** Try this key first for v1 items (the one that opened the object last time). */
  readonly preferKeyId?: string;
}

export type UnsealOutcome =
  | {
      readonly ok: true;
      /** key → base64 plaintext. */
      readonly data: Record<string, string>;
      /** Ids of the keys that opened the items, sorted. */
      readonly keyIds: string[];
      readonly rsaOperations: number;
    }
  | {
      readonly ok: false;
      readonly code: CryptoErrorCode;
      /** One line, names the object and item, never secret bytes. */
      readonly message: string;
      /** The message without the object's name: `item "x": …`. */
      readonly cause: string;
      readonly rsaOperations: number;
    };

function failure(error: unknown, object: string, rsaOperations: number): UnsealOutcome {
  const code = error instanceof CryptoError ? error.code : CryptoErrorCode.DecryptFailed;
  const why = error instanceof CryptoError ? error.message : 'decryption failed';
  return { ok: false, code, message: `SealedSecret ${object}: ${why}`, cause: why, rsaOperations };
}

/**
 * Opens every item of a SealedSecret with the held keys; all or nothing. Items are tried in key order, and the key
 * that opened one item is tried first for the next, so a typical object costs one RSA operation per item.
 */
export function unsealSealedSecret(ring: PrivateKeyRing, request: UnsealRequest): UnsealOutcome {
  const data: Record<string, string> = {};
  const keyIds = new Set<string>();
  let prefer = request.preferKeyId;
  let rsaOperations = 0;
  const items = Object.keys(request.encryptedData).sort();
  if (items.length === 0) {
    return {
      ok: false,
      code: CryptoErrorCode.DecryptFailed,
      message: `SealedSecret ${request.object}: no items`,
      cause: 'no items',
      rsaOperations,
    };
  }
  if (ring.keys.length === 0) {
    return {
      ok: false,
      code: CryptoErrorCode.UnknownKey,
      message: `SealedSecret ${request.object}: no keys held`,
      cause: 'no keys held',
      rsaOperations,
    };
  }
  for (const itemKey of items) {
    const value = request.encryptedData[itemKey] ?? '';
    try {
      const opened = unsealValue({ keys: ring, scopeLabel: request.scopeLabel, itemKey, value, preferKeyId: prefer });
      rsaOperations += opened.rsaOperations;
      const plaintext = opened.plaintext.reveal();
      data[itemKey] = plaintext.toString('base64');
      opened.plaintext.wipe();
      keyIds.add(opened.keyId);
      prefer = opened.keyId;
    } catch (error) {
      rsaOperations += error instanceof CryptoError ? (error.rsaOperations ?? 0) : 0;
      return failure(error, request.object, rsaOperations);
    }
  }
  return { ok: true, data, keyIds: [...keyIds].sort(), rsaOperations };
}

export interface ResealRequest extends UnsealRequest {
  /** keyId of the public key to seal with (must be held). */
  readonly sealingKeyId: string;
}

export type ResealOutcome =
  | { readonly ok: true; readonly encryptedData: Record<string, string>; readonly rsaOperations: number }
  | Extract<UnsealOutcome, { ok: false }>;

/**
 * Re-encrypts every item to the sealing key under the same scope label: the plaintext never leaves this function.
 * Each item keeps its envelope format (v1 stays Bitnami-compatible).
 */
export function resealSealedSecret(ring: PrivateKeyRing, request: ResealRequest): ResealOutcome {
  const opened = unsealSealedSecret(ring, request);
  if (!opened.ok) return opened;
  const sealing = ring.get(request.sealingKeyId);
  if (!sealing) {
    return {
      ok: false,
      code: CryptoErrorCode.UnknownKey,
      message: `SealedSecret ${request.object}: sealing key is not held`,
      cause: 'sealing key is not held',
      rsaOperations: opened.rsaOperations,
    };
  }
  const encryptedData: Record<string, string> = {};
  for (const [itemKey, value] of Object.entries(request.encryptedData)) {
    const plaintext = Buffer.from(opened.data[itemKey] ?? '', 'base64');
    const envelope = inspectSealedValue(value).envelope;
    encryptedData[itemKey] = sealValue({
      publicKey: sealing.publicKey,
      scopeLabel: request.scopeLabel,
      itemKey,
      plaintext,
      envelope,
    });
    plaintext.fill(0);
  }
  return { ok: true, encryptedData, rsaOperations: opened.rsaOperations };
}
