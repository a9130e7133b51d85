import { createSelfSignedCertificate, generateKeyPairSync } from '@gitseal/crypto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newestUsableCert, sealingCertFrom } from './controller-cert.js';

const DAY = 86_400_000;

function cert(notBefore: Date, validityDays: number): string {
  const { privateKey, publicKey } = generateKeyPairSync(2048);
  return createSelfSignedCertificate({ privateKey, publicKey, notBefore, validityDays });
}

test('picks the newest certificate that is valid now and skips junk and expired ones', () => {
  const now = new Date();
  const older = cert(new Date(now.getTime() - 20 * DAY), 365);
  const newer = cert(new Date(now.getTime() - 2 * DAY), 365);
  const expired = cert(new Date(now.getTime() - 10 * DAY), 3);
  const data = { 'a.pem': older, 'b.crt': newer, 'c.pem': expired, 'junk.pem': 'not a cert', 'note.txt': newer };
  assert.equal(newestUsableCert(data, now), newer);
  assert.equal(newestUsableCert({ 'cert.pem': older }, now), older);
  assert.equal(newestUsableCert({ 'c.pem': expired, 'junk.pem': 'x' }, now), undefined);
  assert.equal(newestUsableCert(undefined, now), undefined);
});

test('prefers cert.pem (the sealing certificate) over a newer decrypt-only entry; falls back when it is unusable', () => {
  const now = new Date();
  const sealing = cert(new Date(now.getTime() - 20 * DAY), 365);
  const decryptOnly = cert(new Date(now.getTime() - 2 * DAY), 365);
  const expired = cert(new Date(now.getTime() - 10 * DAY), 3);
  assert.equal(sealingCertFrom({ 'cert.pem': sealing, 'k1.pem': sealing, 'k2.pem': decryptOnly }, now), sealing);
  assert.equal(sealingCertFrom({ 'cert.pem': expired, 'k2.pem': decryptOnly }, now), decryptOnly);
  assert.equal(sealingCertFrom({ 'cert.pem': 'junk', 'k1.pem': sealing }, now), sealing);
  assert.equal(sealingCertFrom({ 'k1.pem': sealing, 'k2.pem': decryptOnly }, now), decryptOnly);
  assert.equal(sealingCertFrom(undefined, now), undefined);
});
