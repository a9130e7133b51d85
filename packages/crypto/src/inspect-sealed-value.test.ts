import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CryptoError } from './errors.js';
import { keyId } from './fingerprint.js';
import { inspectSealedValue } from './inspect-sealed-value.js';
import { generateKeyPairSync } from './key-pair.js';
import { sealValue } from './seal-value.js';

const { publicKey } = generateKeyPairSync(2048);
const seal = (envelope: 'v1' | 'v2') =>
  sealValue({ publicKey, scopeLabel: 'prod/db', itemKey: 'pw', plaintext: Buffer.from('x'), envelope });

describe('inspectSealedValue', () => {
  it('reads a v2 key id and scope label without a private key', () => {
    assert.deepEqual(inspectSealedValue(seal('v2')), {
      envelope: 'v2',
      keyId: keyId(publicKey),
      scopeLabel: 'prod/db',
      rsaBytes: 256,
    });
  });
  it('reads only the framing of a v1 value', () => {
    assert.deepEqual(inspectSealedValue(seal('v1')), { envelope: 'v1', rsaBytes: 256 });
  });
  it('refuses malformed values with the name given', () => {
    assert.throws(
      () => inspectSealedValue('not base64!', 'SealedSecret prod/db item "pw"'),
      (e) =>
        e instanceof CryptoError &&
        e.code === 'INVALID_BASE64' &&
        e.message.startsWith('SealedSecret prod/db item "pw"'),
    );
    assert.throws(
      () => inspectSealedValue('AAE='),
      (e) => e instanceof CryptoError && e.code === 'TRUNCATED',
    );
    assert.throws(
      () => inspectSealedValue('gs2:x:y:z'),
      (e) => e instanceof CryptoError && e.code === 'INVALID_ENVELOPE',
    );
  });
});
