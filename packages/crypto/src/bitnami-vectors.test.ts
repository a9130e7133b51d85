// Every case of the shared Bitnami-format vectors, with key1 and key2 held and `foreign` not held.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadVectorCases, loadVectorKeys, vectorKey } from '../../../test/vectors/bitnami-vectors.mjs';
import { CryptoError } from './errors.js';
import { sshFingerprint } from './fingerprint.js';
import { parsePrivateKey } from './key-pair.js';
import { createHeldKey, createKeyRing } from './key-ring.js';
import { isScope, scopeLabel } from './scope-label.js';
import { unsealValue } from './unseal-value.js';

const keys = loadVectorKeys();
const cases = loadVectorCases();

const ring = createKeyRing(
  ['key1', 'key2'].map((name) =>
    createHeldKey({ keyPem: vectorKey(name).keyPem, certPem: vectorKey(name).certPem, name }),
  ),
);

describe('Bitnami vectors: keys', () => {
  it('has the three documented keys', () => {
    assert.deepEqual(keys.map((k) => k.name).sort(), ['foreign', 'key1', 'key2']);
  });
  for (const key of keys) {
    it(`fingerprint of ${key.name} equals keys.json`, () => {
      assert.equal(sshFingerprint(parsePrivateKey(key.keyPem)), key.fingerprint);
      assert.equal(createHeldKey({ keyPem: key.keyPem, certPem: key.certPem }).fingerprint, key.fingerprint);
    });
  }
  it('holds key1 and key2 newest first (key2 is the rotated key)', () => {
    assert.deepEqual(
      ring.keys.map((k) => k.fingerprint),
      [vectorKey('key2').fingerprint, vectorKey('key1').fingerprint],
    );
  });
});

describe('Bitnami vectors: cases', () => {
  it('covers every expectation kind', () => {
    assert.deepEqual([...new Set(cases.map((c) => c.expect))].sort(), ['error:decode', 'error:decrypt', 'ok']);
  });
  for (const vector of cases) {
    it(`${vector.id} (${vector.expect})`, () => {
      assert.ok(isScope(vector.scope), `scope ${vector.scope}`);
      const label = scopeLabel(vector.scope, vector.namespace, vector.name);
      const items = Object.entries(vector.encryptedData);
      assert.ok(items.length > 0);
      for (const [itemKey, value] of items) {
        const open = () => unsealValue({ keys: ring, scopeLabel: label, itemKey, value });
        if (vector.expect === 'ok') {
          assert.equal(label, vector.label, 'presented label equals the sealing label');
          const expected = vector.plaintextBase64?.[itemKey];
          assert.ok(expected !== undefined, `plaintext for ${itemKey}`);
          const { plaintext, keyId } = open();
          assert.deepEqual(plaintext.reveal(), Buffer.from(expected, 'base64'));
          assert.equal(ring.get(keyId)?.fingerprint, vectorKey(vector.key).fingerprint);
          continue;
        }
        const codes = vector.expect === 'error:decode' ? ['INVALID_BASE64'] : ['DECRYPT_FAILED', 'TRUNCATED'];
        assert.throws(open, (error: unknown) => {
          assert.ok(error instanceof CryptoError);
          assert.ok(codes.includes(error.code), `code ${error.code}`);
          assert.ok(error.message.startsWith(`item "${itemKey}": `));
          assert.ok(!error.message.includes('\n'));
          return true;
        });
      }
    });
  }
});
