import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { CryptoError, CryptoErrorCode } from './errors.js';

const KEY_ID_BYTES = 12;

function toPublic(key: KeyObject): KeyObject {
  return key.type === 'private' ? createPublicKey(key) : key;
}

function sshString(bytes: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length, 0);
  return Buffer.concat([length, bytes]);
}

/** RFC 4251 mpint from unsigned big-endian bytes: minimal, with a 0x00 byte when the top bit is set. */
function sshMpint(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length && unsigned[start] === 0) start++;
  const trimmed = unsigned.subarray(start);
  const needsPad = trimmed.length > 0 && ((trimmed[0] ?? 0) & 0x80) !== 0;
  return sshString(needsPad ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

/** `SHA256:` + unpadded base64 of SHA-256 over the SSH wire form of an RSA public key (as `ssh-keygen -l`). */
export function sshFingerprint(key: KeyObject): string {
  const publicKey = toPublic(key);
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new CryptoError(CryptoErrorCode.InvalidKey, 'fingerprint: key is not an RSA key');
  }
  const jwk = publicKey.export({ format: 'jwk' });
  if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') {
    throw new CryptoError(CryptoErrorCode.InvalidKey, 'fingerprint: RSA key has no modulus or exponent');
  }
  const wire = Buffer.concat([
    sshString(Buffer.from('ssh-rsa')),
    sshMpint(Buffer.from(jwk.e, 'base64url')),
    sshMpint(Buffer.from(jwk.n, 'base64url')),
  ]);
  return `SHA256:${createHash('sha256').update(wire).digest('base64').replace(/=+$/, '')}`;
}

/** Key ids already computed, per key object (a KeyObject never changes): sealing asks once per value. */
const keyIds = new WeakMap<KeyObject, string>();

/** The v2 key id: base64url (unpadded) of the first 12 bytes of SHA-256 over the public key's SPKI DER. */
export function keyId(key: KeyObject): string {
  const known = keyIds.get(key);
  if (known !== undefined) return known;
  const der = toPublic(key).export({ type: 'spki', format: 'der' });
  const id = createHash('sha256').update(der).digest().subarray(0, KEY_ID_BYTES).toString('base64url');
  keyIds.set(key, id);
  return id;
}

const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{16}$/;

export function isKeyId(value: string): boolean {
  return KEY_ID_PATTERN.test(value);
}
