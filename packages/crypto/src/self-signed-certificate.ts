// Making a certificate needs node-forge (Node has no X.509 writer). It lives apart from reading one, and loads
// node-forge (42 CommonJS files) on the first call only, so that code that reads certificates or seals (the CLI's
// seal path, which imports this package's barrel) never pays for it.
import { constants, createPublicKey, privateEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import type Forge from 'node-forge';
import { invalidCertificate } from './certificate.js';
import { CryptoError, CryptoErrorCode } from './errors.js';
import { assertRsaKey, exportPublicKeyPem } from './key-pair.js';

export const DEFAULT_COMMON_NAME = 'sealed-secret';
export const DEFAULT_VALIDITY_DAYS = 3650;
const DAY_MS = 86_400_000;

let forgeModule: typeof Forge | undefined;

/** node-forge, required on first use (a plain require, which a bundler leaves to run time: keep it external). */
function forge(): typeof Forge {
  forgeModule ??= createRequire(import.meta.url)('node-forge') as typeof Forge;
  return forgeModule;
}

export interface SelfSignedCertificateOptions {
  readonly privateKey: KeyObject;
  /** Derived from privateKey when absent. */
  readonly publicKey?: KeyObject;
  readonly commonName?: string;
  readonly validityDays?: number;
  readonly notBefore?: Date;
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
  if (!(validityDays > 0))
    throw invalidCertificate('new certificate', `validity of ${validityDays} days is not positive`);
  const notBefore = options.notBefore ?? new Date();

  const { md, pki } = forge();
  const cert = pki.createCertificate();
  cert.publicKey = pki.publicKeyFromPem(exportPublicKeyPem(publicKey));
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
  cert.sign(nativeSigner(privateKey), md.sha256.create());
  return pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

/** DER of DigestInfo's AlgorithmIdentifier for SHA-256 (RFC 8017 §9.2, note 1), before the 32-byte digest. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * The RSASSA-PKCS1-v1_5 signature forge's cert.sign asks its key for, made by OpenSSL: forge's own RSA is
 * JavaScript big-integer arithmetic (~0.5 s for RSA-4096, ~11 s with V8's optimizing compiler off).
 */
function nativeSigner(privateKey: KeyObject): Forge.pki.rsa.PrivateKey {
  const sign = (digest: Forge.md.MessageDigest): string => {
    const digestInfo = Buffer.concat([SHA256_DIGEST_INFO, Buffer.from(digest.digest().getBytes(), 'binary')]);
    return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo).toString('binary');
  };
  return { sign } as unknown as Forge.pki.rsa.PrivateKey;
}
