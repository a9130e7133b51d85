import type { HeldKey } from '@gitseal/crypto';
import type { ResealOutcome, ResealRequest, UnsealOutcome, UnsealRequest } from './unseal-sealed-secret.js';

/** What the main thread posts to an RSA worker. KeyObjects cross threads by structured clone, never as PEM text. */
export type RsaWorkerRequest =
  | { readonly type: 'keys'; readonly keys: readonly HeldKey[] }
  | { readonly type: 'unseal'; readonly id: number; readonly request: UnsealRequest; readonly discardData: boolean }
  | { readonly type: 'reseal'; readonly id: number; readonly request: ResealRequest }
  | { readonly type: 'generate'; readonly id: number; readonly bits: number };

/** A new key pair as PEM (PKCS#1 key, self-signed certificate), made in a worker: forge signing is slow. */
export interface GeneratedKey {
  readonly keyPem: string;
  readonly certPem: string;
}

export type RsaWorkerResponse =
  | { readonly type: 'unseal'; readonly id: number; readonly outcome: UnsealOutcome }
  | { readonly type: 'reseal'; readonly id: number; readonly outcome: ResealOutcome }
  | { readonly type: 'generate'; readonly id: number; readonly outcome: GeneratedKey & { rsaOperations: number } };
