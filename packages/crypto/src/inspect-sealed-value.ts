import { GCM_TAG_BYTES } from './aes-gcm.js';
import { Envelope } from './envelope.js';
import { isEnvelopeV2, parseEnvelopeV2 } from './envelope-v2.js';
import { splitHybrid } from './hybrid-layout.js';
import { decodeBase64Strict } from './strict-base64.js';

export type SealedValueInfo =
  | { readonly envelope: typeof Envelope.V1; readonly rsaBytes: number }
  | {
      readonly envelope: typeof Envelope.V2;
      readonly keyId: string;
      readonly scopeLabel: string;
      readonly rsaBytes: number;
    };

/**
 * What can be known about a sealed value without a private key (for offline validation): its format and framing,
 * and for v2 the key id and scope label it was sealed for. Throws CryptoError on a malformed value.
 */
export function inspectSealedValue(value: string, what = 'value'): SealedValueInfo {
  if (isEnvelopeV2(value)) {
    const { keyId, scopeLabel, payload } = parseEnvelopeV2(value, what);
    return { envelope: Envelope.V2, keyId, scopeLabel, rsaBytes: payload.readUInt16BE(0) };
  }
  const { rsaCiphertext } = splitHybrid(decodeBase64Strict(value, what), GCM_TAG_BYTES);
  return { envelope: Envelope.V1, rsaBytes: rsaCiphertext.length };
}
