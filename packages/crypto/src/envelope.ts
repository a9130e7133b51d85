import { isEnvelopeV2 } from './envelope-v2.js';

/** The two value formats: Bitnami's v1 (pure base64) and gitseal's v2 (`gs2:` envelope). */
export const Envelope = { V1: 'v1', V2: 'v2' } as const;
export type Envelope = (typeof Envelope)[keyof typeof Envelope];

/** Which format a sealed value claims to be; cheap, does not validate it. */
export function detectEnvelope(value: string): Envelope {
  return isEnvelopeV2(value) ? Envelope.V2 : Envelope.V1;
}
