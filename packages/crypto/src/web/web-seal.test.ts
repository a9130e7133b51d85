// The browser's sealing (WebCrypto, as the Seal page runs it) opened by the Node unseal the controller uses: both
// envelopes, all three scopes, empty and binary values; and the v2 binding (item key, scope) still holds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCertificate } from '../certificate.js';
import { createSelfSignedCertificate } from '../self-signed-certificate.js';
import { createHeldKey, createKeyRing } from '../key-ring.js';
import { exportPrivateKeyPem, generateKeyPairSync } from '../key-pair.js';
import { Scope, scopeLabel } from '../scope-label.js';
import { inspectSealedValue } from '../inspect-sealed-value.js';
import { unsealValue } from '../unseal-value.js';
import { certificateSpki, pemToDer } from './cert-spki.js';
import { importSealingCert, webSealValue } from './web-seal.js';

const pair = generateKeyPairSync(2048);
const certPem = createSelfSignedCertificate({ privateKey: pair.privateKey, publicKey: pair.publicKey });
const ring = createKeyRing([createHeldKey({ keyPem: exportPrivateKeyPem(pair.privateKey), certPem })]);
const info = readCertificate(certPem);

test('certificateSpki finds the same public key Node reads from the certificate', () => {
  const spki = certificateSpki(pemToDer(certPem));
  assert.deepEqual(Buffer.from(spki), info.publicKey.export({ type: 'spki', format: 'der' }));
  assert.throws(() => pemToDer(`${certPem}\n${certPem}`), /expected one PEM block, found 2/);
});

test('importSealingCert: the key id is the one Node computes', async () => {
  assert.equal((await importSealingCert(certPem)).keyId, info.keyId);
});

for (const envelope of ['v1', 'v2'] as const) {
  for (const scope of [Scope.Strict, Scope.NamespaceWide, Scope.ClusterWide]) {
    test(`a ${envelope} ${scope} value sealed with WebCrypto opens with the Node unseal`, async () => {
      const sealingKey = await importSealingCert(certPem);
      const label = scopeLabel(scope, 'team-a', 'db-creds');
      const values = ['s3cr3t-ünïcode-☃', '', '\u0000\u00ff binary'];
      for (const text of values) {
        const plaintext = new TextEncoder().encode(text);
        const value = await webSealValue({ sealingKey, scopeLabel: label, itemKey: 'password', plaintext, envelope });
        assert.equal(inspectSealedValue(value).envelope, envelope);
        const opened = unsealValue({ keys: ring, scopeLabel: label, itemKey: 'password', value });
        assert.equal(opened.plaintext.reveal().toString('utf8'), text);
        assert.equal(opened.keyId, info.keyId);
        if (envelope === 'v2') {
          assert.throws(
            () => unsealValue({ keys: ring, scopeLabel: label, itemKey: 'username', value }),
            /DECRYPT|item/,
          );
        }
        if (scope !== Scope.ClusterWide) {
          assert.throws(() => unsealValue({ keys: ring, scopeLabel: 'other/place', itemKey: 'password', value }));
        }
      }
    });
  }
}
