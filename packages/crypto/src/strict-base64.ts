import { CryptoError, CryptoErrorCode } from './errors.js';

const STANDARD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const URL_SAFE_UNPADDED = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes standard, padded base64 and refuses anything else. Buffer.from(s, 'base64') silently skips junk
 * characters and accepts missing padding, which would let a corrupted value decode to the wrong bytes.
 */
export function decodeBase64Strict(value: string, what = 'value'): Buffer {
  if (!STANDARD.test(value)) {
    throw new CryptoError(CryptoErrorCode.InvalidBase64, `${what} is not valid base64`);
  }
  return Buffer.from(value, 'base64');
}

export function isStrictBase64(value: string): boolean {
  return STANDARD.test(value);
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Decodes unpadded base64url (RFC 4648 §5) strictly. */
export function decodeBase64UrlStrict(value: string, what = 'value'): Buffer {
  if (!URL_SAFE_UNPADDED.test(value) || value.length % 4 === 1) {
    throw new CryptoError(CryptoErrorCode.InvalidBase64, `${what} is not valid base64url`);
  }
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.toString('base64url') !== value) {
    throw new CryptoError(CryptoErrorCode.InvalidBase64, `${what} is not valid base64url`);
  }
  return bytes;
}
