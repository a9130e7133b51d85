import { createPublicKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { CryptoError, CryptoErrorCode } from './errors.js';
import { keyId, sshFingerprint } from './fingerprint.js';
import { assertRsaKey, exportPublicKeyPem } from './key-pair.js';

export const DEFAULT_COMMON_NAME = 'sealed-secret';
export const DEFAULT_VALIDITY_DAYS = 3650;
const DAY_MS = 86_400_000;

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

export interface SelfSignedCertificateOptions {
  readonly privateKey: KeyObject;
  /** Derived from privateKey when absent. */
  readonly publicKey?: KeyObject;
  readonly commonName?: string;
  readonly validityDays?: number;
  readonly notBefore?: Date;
}

function invalid(what: string, cause: string): CryptoError {
  return new CryptoError(CryptoErrorCode.InvalidCertificate, `${what}: ${cause}`);
}

function parseDate(value: string, what: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid(what, 'unreadable validity date');
  return date;
}

/**
 * Structural checks only: exactly one PEM block, a CERTIFICATE, with an RSA key of at least 2048 bits. Use for
 * certificates of keys that are kept for decryption, where an expired certificate is no reason to refuse.
 */
export function readCertificate(pem: string, what = 'certificate'): CertificateInfo {
  const blocks = [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => m[1]);
  if (blocks.length === 0) throw invalid(what, 'no PEM block found');
  if (blocks.length > 1) throw invalid(what, `expected one PEM block, found ${blocks.length}`);
  if (blocks[0] !== 'CERTIFICATE') throw invalid(what, `PEM block is "${blocks[0]}", not "CERTIFICATE"`);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw invalid(what, 'not a readable X.509 certificate');
  }
  const publicKey = certificate.publicKey;
  try {
    assertRsaKey(publicKey, 'key');
  } catch (error) {
    throw invalid(what, error instanceof CryptoError ? `its ${error.message}` : 'unusable public key');
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
  if (now < info.notBefore) throw invalid(what, `not valid before ${info.notBefore.toISOString()}`);
  if (now > info.notAfter) throw invalid(what, `expired on ${info.notAfter.toISOString()}`);
  return info;
}

function randomSerial(): string {
  const bytes = randomBytes(16);
  // DER INTEGER: keep it positive and without a leading zero byte.
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** A self-signed X.509 certificate (SHA-256 with RSA) in PEM, like the one a Bitnami controller makes. */
export function createSelfSignedCertificate(options: SelfSignedCertificateOptions): string {
  const { privateKey, commonName = DEFAULT_COMMON_NAME, validityDays = DEFAULT_VALIDITY_DAYS } = options;
  const publicKey = options.publicKey ?? createPublicKey(privateKey);
  assertRsaKey(privateKey, 'signing key');
  if (exportPublicKeyPem(publicKey) !== exportPublicKeyPem(privateKey)) {
    throw new CryptoError(CryptoErrorCode.InvalidKey, 'public key does not belong to the private key');
  }
  if (!(validityDays > 0)) throw invalid('new certificate', `validity of ${validityDays} days is not positive`);
  const notBefore = options.notBefore ?? new Date();

  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(exportPublicKeyPem(publicKey));
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + validityDays * DAY_MS);
  const name = [{ name: 'commonName', value: commonName }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  cert.sign(forge.pki.privateKeyFromPem(pkcs1), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}
