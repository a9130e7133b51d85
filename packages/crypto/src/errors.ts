import { CodedError } from './coded-error.js';

export const CryptoErrorCode = {
  InvalidBase64: 'INVALID_BASE64',
  DecryptFailed: 'DECRYPT_FAILED',
  Truncated: 'TRUNCATED',
  InvalidKey: 'INVALID_KEY',
  InvalidCertificate: 'INVALID_CERTIFICATE',
  ScopeMismatch: 'SCOPE_MISMATCH',
  UnknownKey: 'UNKNOWN_KEY',
  InvalidEnvelope: 'INVALID_ENVELOPE',
  InvalidScope: 'INVALID_SCOPE',
} as const;
export type CryptoErrorCode = (typeof CryptoErrorCode)[keyof typeof CryptoErrorCode];

/** The crypto layer's one error class: a code plus a one-line message that never holds secret bytes. */
export class CryptoError extends CodedError<CryptoErrorCode> {
  override readonly name = 'CryptoError';
  /** Set by unsealValue: RSA private-key operations spent before it failed. */
  readonly rsaOperations: number | undefined;
  constructor(code: CryptoErrorCode, message: string, details: { readonly rsaOperations?: number } = {}) {
    super(code, message);
    this.rsaOperations = details.rsaOperations;
  }
}
