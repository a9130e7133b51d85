import type { KeyObject } from 'node:crypto';
import { Envelope } from './envelope.js';
import { sealEnvelopeV2 } from './envelope-v2.js';
import { hybridEncrypt } from './hybrid-encrypt.js';
import { Redacted } from './redacted.js';
import { encodeBase64 } from './strict-base64.js';

export interface SealValueInput {
  readonly publicKey: KeyObject;
  readonly scopeLabel: string;
  /** The item's key in encryptedData; bound into v2 values, unused by v1. */
  readonly itemKey: string;
  readonly plaintext: Uint8Array | Redacted;
  readonly envelope: Envelope;
}

/** Seals one item: v1 gives Bitnami-compatible base64, v2 a `gs2:` envelope. Synchronous and pure. */
export function sealValue(input: SealValueInput): string {
  const plaintext = input.plaintext instanceof Redacted ? input.plaintext.reveal() : input.plaintext;
  if (input.envelope === Envelope.V2) {
    return sealEnvelopeV2({
      publicKey: input.publicKey,
      scopeLabel: input.scopeLabel,
      itemKey: input.itemKey,
      plaintext,
    });
  }
  return encodeBase64(hybridEncrypt(input.publicKey, Buffer.from(input.scopeLabel, 'utf8'), plaintext));
}
