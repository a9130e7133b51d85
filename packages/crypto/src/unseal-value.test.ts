import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { CryptoError } from './errors.js';
import { keyId } from './fingerprint.js';
import { exportPrivateKeyPem, generateKeyPairSync, type KeyPair } from './key-pair.js';
import { createHeldKey, createKeyRing } from './key-ring.js';
import { Scope, scopeLabel } from './scope-label.js';
import { sealValue } from './seal-value.js';
import { decodeBase64Strict } from './strict-base64.js';
import { unsealValue } from './unseal-value.js';

const DAY = 86_400_000;
const older = generateKeyPairSync(2048);
const newer = generateKeyPairSync(2048);
const stranger = generateKeyPairSync(2048);
const bigger = generateKeyPairSync(3072);
const hold = (pair: KeyPair, daysAgo: number) =>
  createHeldKey({ keyPem: exportPrivateKeyPem(pair.privateKey), notBefore: new Date(Date.now() - daysAgo * DAY) });
const ring = createKeyRing([hold(older, 60), hold(newer, 1), hold(bigger, 90)]);

const SECRET = 'p@ssw0rd-do-not-leak';
const STRICT = scopeLabel(Scope.Strict, 'prod', 'db-creds');
const seal = (pair: KeyPair, envelope: 'v1' | 'v2', itemKey = 'password', label = STRICT, plaintext = SECRET) =>
  sealValue({ publicKey: pair.publicKey, scopeLabel: label, itemKey, plaintext: Buffer.from(plaintext), envelope });

function refused(code: string, message?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof CryptoError, String(e));
    assert.equal(e.code, code);
    assert.ok(!e.message.includes(SECRET));
    assert.ok(!e.message.includes('\n'));
    if (message) assert.match(e.message, message);
    return true;
  };
}

for (const envelope of ['v1', 'v2'] as const) {
  describe(`unsealValue ${envelope}`, () => {
    it('opens with the key that sealed it, old or new, and says which', () => {
      for (const pair of [older, newer, bigger]) {
        const result = unsealValue({
          keys: ring,
          scopeLabel: STRICT,
          itemKey: 'password',
          value: seal(pair, envelope),
        });
        assert.equal(result.plaintext.reveal().toString(), SECRET);
        assert.equal(result.keyId, keyId(pair.publicKey));
        assert.equal(result.envelope, envelope);
      }
    });
    it('returns the plaintext redacted', () => {
      const { plaintext } = unsealValue({
        keys: ring,
        scopeLabel: STRICT,
        itemKey: 'password',
        value: seal(newer, envelope),
      });
      assert.ok(!inspect(plaintext).includes(SECRET));
      assert.ok(!JSON.stringify({ plaintext }).includes(SECRET));
    });
    it('opens namespace-wide and cluster-wide values', () => {
      for (const label of ['team-a', '']) {
        const value = seal(newer, envelope, 'token', label);
        assert.equal(
          unsealValue({ keys: ring, scopeLabel: label, itemKey: 'token', value }).plaintext.reveal().toString(),
          SECRET,
        );
      }
    });
    it('refuses a value moved to another namespace or renamed, naming the item', () => {
      const value = seal(newer, envelope);
      for (const label of ['staging/db-creds', 'prod/renamed', 'prod', '']) {
        const code = envelope === 'v2' ? 'SCOPE_MISMATCH' : 'DECRYPT_FAILED';
        assert.throws(
          () => unsealValue({ keys: ring, scopeLabel: label, itemKey: 'password', value }),
          refused(code, /^item "password": /),
          label,
        );
      }
    });
    it('refuses a value sealed with a key that is not held', () => {
      const code = envelope === 'v2' ? 'UNKNOWN_KEY' : 'DECRYPT_FAILED';
      assert.throws(
        () => unsealValue({ keys: ring, scopeLabel: STRICT, itemKey: 'password', value: seal(stranger, envelope) }),
        refused(code),
      );
    });
    it('refuses a tampered value', () => {
      const value = seal(newer, envelope);
      const at = value.length - 6;
      const flipped = value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1);
      assert.throws(
        () => unsealValue({ keys: ring, scopeLabel: STRICT, itemKey: 'password', value: flipped }),
        refused('DECRYPT_FAILED'),
      );
    });
    it('refuses a value that is not base64', () => {
      const value = seal(newer, envelope).slice(0, -3) + '*==';
      assert.throws(
        () => unsealValue({ keys: ring, scopeLabel: STRICT, itemKey: 'password', value }),
        refused('INVALID_BASE64'),
      );
    });
  });
}

describe('unsealValue v2 specifics', () => {
  it('refuses the swapped-item attack: a value moved from item A to item B of the same object', () => {
    const password = seal(newer, 'v2', 'password', STRICT, 'the-password');
    assert.equal(
      unsealValue({ keys: ring, scopeLabel: STRICT, itemKey: 'password', value: password })
        .plaintext.reveal()
        .toString(),
      'the-password',
    );
    assert.throws(
      () => unsealValue({ keys: ring, scopeLabel: STRICT, itemKey: 'username', value: password }),
      refused('DECRYPT_FAILED'),
    );
  });
  it('names the label it was sealed for and the one presented', () => {
    assert.throws(
      () => unsealValue({ keys: ring, scopeLabel: 'staging/db', itemKey: 'password', value: seal(newer, 'v2') }),
      refused('SCOPE_MISMATCH', /^item "password": sealed for scope "prod\/db-creds", presented as "staging\/db"$/),
    );
    assert.throws(
      () => unsealValue({ keys: ring, scopeLabel: 'prod/db', itemKey: 'x', value: seal(newer, 'v2', 'x', '') }),
      refused('SCOPE_MISMATCH', /sealed for scope cluster-wide \(empty label\)/),
    );
  });
  it('names the key id that is not held', () => {
    assert.throws(
      () => unsealValue({ keys: ring, scopeLabel: STRICT, itemKey: 'password', value: seal(stranger, 'v2') }),
      refused('UNKNOWN_KEY', new RegExp(`sealed with key ${keyId(stranger.publicKey)}, which is not held`)),
    );
  });
  it('never reads a v2 value as v1: it is not base64, and routing goes by the prefix', () => {
    const value = seal(newer, 'v2');
    assert.throws(() => decodeBase64Strict(value), refused('INVALID_BASE64'));
    assert.throws(
      () => unsealValue({ keys: createKeyRing([]), scopeLabel: STRICT, itemKey: 'password', value }),
      refused('UNKNOWN_KEY'),
    );
  });
});

describe('unsealValue v1 specifics', () => {
  it('never reads a v1 value as v2', () => {
    const value = seal(newer, 'v1');
    assert.equal(unsealValue({ keys: ring, scopeLabel: STRICT, itemKey: 'password', value }).envelope, 'v1');
    assert.throws(
      () => unsealValue({ keys: createKeyRing([]), scopeLabel: STRICT, itemKey: 'password', value }),
      refused('DECRYPT_FAILED', /none of 0 held keys/),
    );
  });
  it('does not bind the item key (Bitnami format): the same value opens under another item', () => {
    const value = seal(newer, 'v1');
    assert.equal(
      unsealValue({ keys: ring, scopeLabel: STRICT, itemKey: 'other', value }).plaintext.reveal().toString(),
      SECRET,
    );
  });
  it('uses the hint and still finds the key when the hint is wrong', () => {
    const value = seal(older, 'v1');
    for (const preferKeyId of [keyId(older.publicKey), keyId(newer.publicKey), 'AAAAAAAAAAAAAAAA']) {
      const result = unsealValue({ keys: ring, scopeLabel: STRICT, itemKey: 'password', value, preferKeyId });
      assert.equal(result.keyId, keyId(older.publicKey));
    }
  });
  it('says how many keys were tried', () => {
    assert.throws(
      () => unsealValue({ keys: ring, scopeLabel: 'prod/x', itemKey: 'password', value: seal(newer, 'v1') }),
      refused('DECRYPT_FAILED', /none of 3 held keys opens it for scope "prod\/x"/),
    );
  });
  it('refuses a truncated value as TRUNCATED', () => {
    const value = Buffer.from(seal(newer, 'v1'), 'base64').subarray(0, 100).toString('base64');
    assert.throws(
      () => unsealValue({ keys: ring, scopeLabel: STRICT, itemKey: 'password', value }),
      refused('TRUNCATED'),
    );
  });
});

describe('unsealValue counts RSA private operations', () => {
  const older2048 = keyId(older.publicKey);
  it('v2: one, for the key named in the value', () => {
    assert.equal(
      unsealValue({ keys: ring, scopeLabel: STRICT, itemKey: 'password', value: seal(older, 'v2') }).rsaOperations,
      1,
    );
  });
  it('v1: one per key of the right size tried, the hinted key first', () => {
    const value = seal(older, 'v1');
    // Newest first: `newer` (a miss), then `older`; the 3072-bit key is skipped without an RSA operation.
    assert.equal(unsealValue({ keys: ring, scopeLabel: STRICT, itemKey: 'password', value }).rsaOperations, 2);
    const hinted = unsealValue({ keys: ring, scopeLabel: STRICT, itemKey: 'password', value, preferKeyId: older2048 });
    assert.equal(hinted.rsaOperations, 1);
  });
  it('a failure carries the operations spent on the CryptoError', () => {
    const spent = (value: string, label = STRICT) => {
      try {
        unsealValue({ keys: ring, scopeLabel: label, itemKey: 'password', value });
      } catch (error) {
        assert.ok(error instanceof CryptoError);
        return error.rsaOperations;
      }
      assert.fail('should not open');
    };
    assert.equal(spent(seal(stranger, 'v1')), 2);
    assert.equal(spent(seal(stranger, 'v2')), 0, 'unknown key: no RSA');
    assert.equal(spent(seal(newer, 'v2'), 'prod/other'), 0, 'scope mismatch: no RSA');
    assert.equal(spent('not base64!'), 0);
  });
});
