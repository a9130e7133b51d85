// Values sealed by an independent implementation (@linode/kubeseal-encrypt, namespace-wide scope) open here.
import { encryptSecretItem } from '@linode/kubeseal-encrypt';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { CryptoError } from './errors.js';
import { exportPrivateKeyPem, exportPublicKeyPem } from './key-pair.js';
import { createHeldKey, createKeyRing } from './key-ring.js';
import { Scope, scopeLabel } from './scope-label.js';
import { unsealValue } from './unseal-value.js';

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ring = createKeyRing([createHeldKey({ keyPem: exportPrivateKeyPem(pair.privateKey) })]);
const publicPem = exportPublicKeyPem(pair.publicKey);

describe('interop with @linode/kubeseal-encrypt', () => {
  it('opens a namespace-wide value it sealed', async () => {
    const secret = 'pa55wörd with ünïcode';
    const value = await encryptSecretItem(publicPem, 'team-a', secret);
    const label = scopeLabel(Scope.NamespaceWide, 'team-a', 'anything');
    const { plaintext } = unsealValue({ keys: ring, scopeLabel: label, itemKey: 'password', value });
    assert.equal(plaintext.reveal().toString('utf8'), secret);
  });
  it('refuses its value in another namespace', async () => {
    const value = await encryptSecretItem(publicPem, 'team-a', 'x');
    assert.throws(
      () => unsealValue({ keys: ring, scopeLabel: 'team-b', itemKey: 'password', value }),
      (e) => e instanceof CryptoError && e.code === 'DECRYPT_FAILED',
    );
  });
});
