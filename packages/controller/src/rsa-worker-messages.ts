import type { HeldKey, Redacted } from '@gitseal/crypto';
import type { SliceRest } from './rsa-slice.js';
import type { ResealOutcome, ResealRequest, UnsealOutcome, UnsealRequest } from './unseal-sealed-secret.js';

/** What the main thread posts to an RSA worker. KeyObjects cross threads by structured clone, never as PEM text. */
export type RsaWorkerRequest =
  | { readonly type: 'keys'; readonly keys: readonly HeldKey[] }
  | {
      readonly type: 'unseal';
      readonly id: number;
      readonly request: UnsealRequest;
      readonly discardData: boolean;
      /** Stop after about this many RSA operations and answer with the rest (API tasks; see rsa-slice.ts). */
      readonly maxRsaOperations?: number;
    }
  | {
      readonly type: 'reseal';
      readonly id: number;
      readonly request: ResealRequest;
      readonly maxRsaOperations?: number;
    }
  | { readonly type: 'generate'; readonly id: number; readonly bits: number };

/**
 * A new key pair as PEM (PKCS#1 key, self-signed certificate), made in a worker: forge signing is slow. The key
 * is wrapped in Redacted as soon as it reaches the main thread, so no log line or JSON can print it.
 */
export interface GeneratedKey {
  readonly keyPem: Redacted;
  readonly certPem: string;
}

/** GeneratedKey as it crosses the thread boundary: the key PEM as bytes (a class does not survive cloning). */
export interface GeneratedKeyMessage {
  readonly keyPem: Uint8Array;
  readonly certPem: string;
  readonly rsaOperations: number;
}

export type RsaWorkerResponse =
  | { readonly type: 'unseal'; readonly id: number; readonly outcome: UnsealOutcome; readonly rest?: SliceRest }
  | { readonly type: 'reseal'; readonly id: number; readonly outcome: ResealOutcome; readonly rest?: SliceRest }
  | { readonly type: 'generate'; readonly id: number; readonly outcome: GeneratedKeyMessage };
