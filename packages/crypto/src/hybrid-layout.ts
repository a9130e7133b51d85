import { CryptoError, CryptoErrorCode } from './errors.js';

/** The parts of `uint16_be(len(rsaCt)) || rsaCt || rest`, the framing shared by v1 values and v2 payloads. */
export interface HybridParts {
  readonly rsaCiphertext: Buffer;
  readonly rest: Buffer;
}

const MAX_RSA_BYTES = 0xffff;

export function joinHybrid(rsaCiphertext: Uint8Array, ...rest: Uint8Array[]): Buffer {
  if (rsaCiphertext.length > MAX_RSA_BYTES) {
    throw new CryptoError(CryptoErrorCode.InvalidKey, 'RSA ciphertext is too long for the 16-bit length prefix');
  }
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(rsaCiphertext.length, 0);
  return Buffer.concat([prefix, rsaCiphertext, ...rest]);
}

/** Splits the framing; `minRest` is how many bytes must follow the RSA part (at least the GCM tag). */
export function splitHybrid(bytes: Uint8Array, minRest: number): HybridParts {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 2) {
    throw new CryptoError(CryptoErrorCode.Truncated, 'value is shorter than its length prefix');
  }
  const rsaLength = buf.readUInt16BE(0);
  if (rsaLength === 0) {
    throw new CryptoError(CryptoErrorCode.DecryptFailed, 'value has an empty RSA part');
  }
  if (buf.length < 2 + rsaLength) {
    throw new CryptoError(CryptoErrorCode.Truncated, 'value ends inside its RSA part');
  }
  if (buf.length - 2 - rsaLength < minRest) {
    throw new CryptoError(CryptoErrorCode.Truncated, 'value ends before its AES-GCM tag');
  }
  return { rsaCiphertext: buf.subarray(2, 2 + rsaLength), rest: buf.subarray(2 + rsaLength) };
}
