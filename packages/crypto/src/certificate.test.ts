import assert from 'node:assert/strict';
import { generateKeyPairSync as nodeGenerate, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import forge from 'node-forge';
import { parseCertificate, readCertificate } from './certificate.js';
import { createSelfSignedCertificate } from './self-signed-certificate.js';
import { CryptoError } from './errors.js';
import { keyId, sshFingerprint } from './fingerprint.js';
import { exportPublicKeyPem, generateKeyPairSync } from './key-pair.js';

const DAY = 86_400_000;
const pair = generateKeyPairSync(2048);

/** A certificate for any subject key, signed by forge; the production helper refuses weak keys on purpose. */
function forgeCertificate(
  subject: KeyObject,
  signer: KeyObject,
  notBefore: Date,
  notAfter: Date,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(exportPublicKeyPem(subject));
  cert.serialNumber = '01';
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: 'test' }]);
  cert.setIssuer([{ name: 'commonName', value: 'test' }]);
  cert.sign(
    forge.pki.privateKeyFromPem(signer.export({ type: 'pkcs1', format: 'pem' }).toString()),
    forge.md.sha256.create(),
  );
  return cert;
}

/** An X.509 certificate for an EC subject key, signed with RSA (forge cannot hold EC keys, so swap the SPKI). */
function ecCertificatePem(): string {
  const ec = nodeGenerate('ec', { namedCurve: 'P-256' });
  const cert = forgeCertificate(
    pair.publicKey,
    pair.privateKey,
    new Date(Date.now() - DAY),
    new Date(Date.now() + DAY),
  );
  const asn1 = forge.pki.certificateToAsn1(cert);
  const tbs = (asn1.value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1;
  const tbsFields = tbs.value as forge.asn1.Asn1[];
  const spkiDer = ec.publicKey.export({ type: 'spki', format: 'der' });
  tbsFields[6] = forge.asn1.fromDer(spkiDer.toString('binary'));
  const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, pair.privateKey);
  (asn1.value as forge.asn1.Asn1[])[2] = forge.asn1.create(
    forge.asn1.Class.UNIVERSAL,
    forge.asn1.Type.BITSTRING,
    false,
    `\0${signature.toString('binary')}`,
  );
  const der = Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
}

function refusedWith(pattern: RegExp) {
  return (e: unknown) =>
    e instanceof CryptoError &&
    e.code === 'INVALID_CERTIFICATE' &&
    pattern.test(e.message) &&
    !e.message.includes('\n');
}

describe('createSelfSignedCertificate', () => {
  it('makes a self-signed certificate with CN sealed-secret valid for 3650 days by default', () => {
    const before = Date.now();
    const pem = createSelfSignedCertificate({ privateKey: pair.privateKey, publicKey: pair.publicKey });
    const cert = new X509Certificate(pem);
    assert.match(cert.subject, /CN=sealed-secret/);
    assert.equal(cert.issuer, cert.subject);
    assert.ok(cert.verify(pair.publicKey), 'signature verifies with its own key');
    assert.ok(cert.checkPrivateKey(pair.privateKey));
    const days = (new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()) / DAY;
    assert.equal(Math.round(days), 3650);
    assert.ok(Math.abs(new Date(cert.validFrom).getTime() - before) < 5000);
  });
  it('takes a common name, validity and start, and derives the public key', () => {
    const notBefore = new Date('2030-01-01T00:00:00Z');
    const pem = createSelfSignedCertificate({
      privateKey: pair.privateKey,
      commonName: 'gitseal',
      validityDays: 30,
      notBefore,
    });
    const info = readCertificate(pem);
    assert.match(info.certificate.subject, /CN=gitseal/);
    assert.equal(info.notBefore.toISOString(), notBefore.toISOString());
    assert.equal(info.notAfter.getTime() - notBefore.getTime(), 30 * DAY);
  });
  it('uses a fresh serial each time', () => {
    const a = new X509Certificate(createSelfSignedCertificate({ privateKey: pair.privateKey }));
    const b = new X509Certificate(createSelfSignedCertificate({ privateKey: pair.privateKey }));
    assert.notEqual(a.serialNumber, b.serialNumber);
  });
  it('refuses a public key of another pair', () => {
    const other = generateKeyPairSync(2048);
    assert.throws(
      () => createSelfSignedCertificate({ privateKey: pair.privateKey, publicKey: other.publicKey }),
      (e) => e instanceof CryptoError && e.code === 'INVALID_KEY',
    );
  });
});

describe('parseCertificate', () => {
  const pem = createSelfSignedCertificate({ privateKey: pair.privateKey });

  it('gives the public key, key id, fingerprint and validity', () => {
    const info = parseCertificate(pem);
    assert.equal(exportPublicKeyPem(info.publicKey), exportPublicKeyPem(pair.publicKey));
    assert.equal(info.keyId, keyId(pair.publicKey));
    assert.equal(info.fingerprint, sshFingerprint(pair.publicKey));
    assert.ok(info.notBefore < info.notAfter);
  });
  it('refuses something that is not a certificate', () => {
    assert.throws(() => parseCertificate('hello'), refusedWith(/^certificate: no PEM block found$/));
    assert.throws(
      () => parseCertificate(exportPublicKeyPem(pair.publicKey)),
      refusedWith(/"PUBLIC KEY", not "CERTIFICATE"/),
    );
    const junk = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    assert.throws(() => parseCertificate(junk), refusedWith(/not a readable X.509 certificate/));
  });
  it('refuses more than one certificate', () => {
    assert.throws(
      () => parseCertificate(pem + pem, new Date(), 'cert.pem'),
      refusedWith(/^cert.pem: expected one PEM block, found 2$/),
    );
  });
  it('refuses a certificate with a private key beside it', () => {
    const withKey = pem + pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    assert.throws(
      () => parseCertificate(withKey),
      (e) => refusedWith(/found 2/)(e) && e instanceof Error && !e.message.includes('PRIVATE KEY-----'),
    );
  });
  it('refuses an RSA key under 2048 bits', () => {
    const weak = nodeGenerate('rsa', { modulusLength: 1024 });
    const cert = forgeCertificate(
      weak.publicKey,
      weak.privateKey,
      new Date(Date.now() - DAY),
      new Date(Date.now() + DAY),
    );
    assert.throws(() => parseCertificate(forge.pki.certificateToPem(cert)), refusedWith(/RSA-1024, below the minimum/));
  });
  it('refuses a non-RSA key', () => {
    const pemEc = ecCertificatePem();
    assert.equal(new X509Certificate(pemEc).publicKey.asymmetricKeyType, 'ec');
    assert.throws(() => parseCertificate(pemEc), refusedWith(/is a ec key, not RSA/));
  });
  it('refuses an expired certificate, but readCertificate still reads it', () => {
    const old = createSelfSignedCertificate({
      privateKey: pair.privateKey,
      validityDays: 1,
      notBefore: new Date(Date.now() - 10 * DAY),
    });
    assert.throws(() => parseCertificate(old), refusedWith(/expired on \d{4}-/));
    assert.equal(readCertificate(old).keyId, keyId(pair.publicKey));
  });
  it('refuses a certificate that is not valid yet', () => {
    const future = createSelfSignedCertificate({
      privateKey: pair.privateKey,
      notBefore: new Date(Date.now() + 10 * DAY),
    });
    assert.throws(() => parseCertificate(future), refusedWith(/not valid before/));
    assert.ok(parseCertificate(future, new Date(Date.now() + 11 * DAY)));
  });
});
