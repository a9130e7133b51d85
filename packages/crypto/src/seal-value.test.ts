import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEnvelopeV2 } from './envelope-v2.js';
import { keyId } from './fingerprint.js';
import { hybridDecrypt } from './hybrid-decrypt.js';
import { generateKeyPairSync } from './key-pair.js';
import { Redacted } from './redacted.js';
import { sealValue } from './seal-value.js';
import { decodeBase64Strict, isStrictBase64 } from './strict-base64.js';

const { privateKey, publicKey } = generateKeyPairSync(2048);

describe('sealValue', () => {
  it('v1 gives standard base64 that opens with the scope label as the OAEP label', () => {
    const value = sealValue({
      publicKey,
      scopeLabel: 'prod/db',
      itemKey: 'pw',
      plaintext: Buffer.from('x1'),
      envelope: 'v1',
    });
    assert.ok(isStrictBase64(value));
    assert.equal(hybridDecrypt(privateKey, Buffer.from('prod/db'), decodeBase64Strict(value)).toString(), 'x1');
  });
  it('v2 gives a gs2 envelope for the key and scope label', () => {
    const value = sealValue({
      publicKey,
      scopeLabel: 'team-a',
      itemKey: 'pw',
      plaintext: Buffer.from('x2'),
      envelope: 'v2',
    });
    const parsed = parseEnvelopeV2(value);
    assert.equal(parsed.keyId, keyId(publicKey));
    assert.equal(parsed.scopeLabel, 'team-a');
  });
  it('takes a Redacted plaintext and leaves it intact', () => {
    const secret = Redacted.fromString('wrapped');
    const value = sealValue({ publicKey, scopeLabel: '', itemKey: 'k', plaintext: secret, envelope: 'v1' });
    assert.equal(hybridDecrypt(privateKey, Buffer.alloc(0), decodeBase64Strict(value)).toString(), 'wrapped');
    assert.equal(secret.reveal().toString(), 'wrapped');
  });
});
