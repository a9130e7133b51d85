import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync as nodeGenerate } from 'node:crypto';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { CryptoError } from './errors.js';
import {
  exportPrivateKeyPem,
  exportPublicKeyPem,
  generateKeyPair,
  generateKeyPairSync,
  parsePrivateKey,
  parsePublicKey,
} from './key-pair.js';

const isInvalidKey = (e: unknown) => e instanceof CryptoError && e.code === 'INVALID_KEY';

describe('generateKeyPair', () => {
  it('makes RSA-4096 by default (async)', async () => {
    const { privateKey, publicKey } = await generateKeyPair();
    assert.equal(privateKey.asymmetricKeyType, 'rsa');
    assert.equal(privateKey.asymmetricKeyDetails?.modulusLength, 4096);
    assert.equal(publicKey.asymmetricKeyDetails?.publicExponent, 65537n);
  });
  it('makes the requested size synchronously', () => {
    const { privateKey, publicKey } = generateKeyPairSync(2048);
    assert.equal(privateKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal(exportPublicKeyPem(privateKey), exportPublicKeyPem(publicKey));
  });
  it('refuses sizes below 2048 bits', async () => {
    assert.throws(() => generateKeyPairSync(1024), isInvalidKey);
    await assert.rejects(generateKeyPair(1024), isInvalidKey);
  });
});

describe('PEM export and parsing', () => {
  const { privateKey, publicKey } = generateKeyPairSync(2048);

  it('exports the private key as PKCS#1 inside a Redacted', () => {
    const pem = exportPrivateKeyPem(privateKey);
    assert.match(pem.reveal().toString(), /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.equal(String(pem), '[redacted]');
    assert.ok(!inspect({ pem }).includes('PRIVATE KEY'));
  });
  it('reads PKCS#1 and PKCS#8, as string, Buffer or Redacted', () => {
    const pkcs1 = exportPrivateKeyPem(privateKey);
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.match(pkcs8, /BEGIN PRIVATE KEY/);
    for (const input of [pkcs1, pkcs1.reveal(), pkcs1.reveal().toString(), pkcs8]) {
      assert.equal(exportPublicKeyPem(parsePrivateKey(input)), exportPublicKeyPem(publicKey));
    }
  });
  it('refuses garbage, EC, RSA-PSS and short RSA private keys without echoing the input', () => {
    const ec = nodeGenerate('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const pss = nodeGenerate('rsa-pss', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const short = nodeGenerate('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();
    const cases: [string, RegExp][] = [
      ['not a key at all SECRETBYTES', /not a readable unencrypted PEM private key/],
      [ec, /is a ec key, not RSA/],
      [pss, /is a rsa-pss key, not RSA/],
      [short, /RSA-1024, below the minimum of 2048 bits/],
    ];
    for (const [pem, message] of cases) {
      assert.throws(
        () => parsePrivateKey(pem, 'Secret gitseal-system/key-abc'),
        (e: unknown) =>
          isInvalidKey(e) &&
          e instanceof Error &&
          message.test(e.message) &&
          e.message.startsWith('Secret gitseal-system/key-abc ') &&
          !e.message.includes('SECRETBYTES') &&
          !e.message.includes('BEGIN'),
      );
    }
  });
  it('reads SPKI and PKCS#1 public keys, and refuses private keys or certificates as public keys', () => {
    const spki = exportPublicKeyPem(publicKey);
    const pkcs1 = publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    for (const pem of [spki, pkcs1]) {
      assert.equal(exportPublicKeyPem(parsePublicKey(pem)), spki);
    }
    assert.throws(() => parsePublicKey(exportPrivateKeyPem(privateKey).reveal().toString()), isInvalidKey);
    assert.throws(() => parsePublicKey('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), isInvalidKey);
    const short = createPublicKey(nodeGenerate('rsa', { modulusLength: 1024 }).privateKey);
    assert.throws(() => parsePublicKey(exportPublicKeyPem(short)), /below the minimum/);
  });
});
