import { X509Certificate, type KeyObject } from 'node:crypto';
import { CryptoError, CryptoErrorCode } from './errors.js';
import { keyId, sshFingerprint } from './fingerprint.js';
import { assertRsaKey } from './key-pair.js';

/** A certificate that passed the structural checks, with what sealing needs already derived. */
export interface CertificateInfo {
  readonly pem: string;
  readonly certificate: X509Certificate;
  readonly publicKey: KeyObject;
  readonly keyId: string;
  readonly fingerprint: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export function invalidCertificate(what: string, cause: string): CryptoError {
  return new CryptoError(CryptoErrorCode.InvalidCertificate, `${what}: ${cause}`);
}

function parseDate(value: string, what: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalidCertificate(what, 'unreadable validity date');
  return date;
}

/**
 * Structural checks only: exactly one PEM block, a CERTIFICATE, with an RSA key of at least 2048 bits. Use for
 * certificates of keys that are kept for decryption, where an expired certificate is no reason to refuse.
 */
export function readCertificate(pem: string, what = 'certificate'): CertificateInfo {
  const blocks = [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => m[1]);
  if (blocks.length === 0) throw invalidCertificate(what, 'no PEM block found');
  if (blocks.length > 1) throw invalidCertificate(what, `expected one PEM block, found ${blocks.length}`);
  if (blocks[0] !== 'CERTIFICATE') throw invalidCertificate(what, `PEM block is "${blocks[0]}", not "CERTIFICATE"`);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw invalidCertificate(what, 'not a readable X.509 certificate');
  }
  const publicKey = certificate.publicKey;
  try {
    assertRsaKey(publicKey, 'key');
  } catch (error) {
    throw invalidCertificate(what, error instanceof CryptoError ? `its ${error.message}` : 'unusable public key');
  }
  return {
    pem,
    certificate,
    publicKey,
    keyId: keyId(publicKey),
    fingerprint: sshFingerprint(publicKey),
    notBefore: parseDate(certificate.validFrom, what),
    notAfter: parseDate(certificate.validTo, what),
  };
}

/** readCertificate plus the validity window at `now`: the check for a certificate that is about to seal. */
export function parseCertificate(pem: string, now: Date = new Date(), what = 'certificate'): CertificateInfo {
  const info = readCertificate(pem, what);
  if (now < info.notBefore) throw invalidCertificate(what, `not valid before ${info.notBefore.toISOString()}`);
  if (now > info.notAfter) throw invalidCertificate(what, `expired on ${info.notAfter.toISOString()}`);
  return info;
}
