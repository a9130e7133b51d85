import assert from 'node:assert/strict';
import { constants, privateDecrypt } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  ENVELOPE_V2_DOMAIN,
  envelopeV2Aad,
  envelopeV2OaepLabel,
  isEnvelopeV2,
  openEnvelopeV2,
  parseEnvelopeV2,
  sealEnvelopeV2,
} from './envelope-v2.js';
import { CryptoError } from './errors.js';
import { keyId } from './fingerprint.js';
import { hybridDecrypt } from './hybrid-decrypt.js';
import { generateKeyPairSync } from './key-pair.js';
import { isStrictBase64 } from './strict-base64.js';

const { privateKey, publicKey } = generateKeyPairSync(2048);
const SECRET = 'v2-secret-value';
const seal = (scopeLabel: string, itemKey: string, plaintext = SECRET) =>
  sealEnvelopeV2({ publicKey, scopeLabel, itemKey, plaintext: Buffer.from(plaintext) });
const open = (value: string, itemKey: string) =>
  openEnvelopeV2({ privateKey, envelope: parseEnvelopeV2(value), itemKey });
const failsWith = (code: string) => (e: unknown) =>
  e instanceof CryptoError && e.code === code && !e.message.includes(SECRET);

describe('envelope v2 format', () => {
  it('is gs2:<keyId>:<base64url label>:<base64 payload>', () => {
    const value = seal('prod/db-creds', 'password');
    const [prefix, id, label, payload, ...extra] = value.split(':');
    assert.equal(prefix, 'gs2');
    assert.equal(id, keyId(publicKey));
    assert.equal(Buffer.from(label ?? '', 'base64url').toString(), 'prod/db-creds');
    assert.ok(isStrictBase64(payload ?? ''));
    assert.deepEqual(extra, []);
    const bytes = Buffer.from(payload ?? '', 'base64');
    assert.equal(bytes.readUInt16BE(0), 256);
    assert.equal(bytes.length, 2 + 256 + 12 + SECRET.length + 16);
  });
  it('parses the key id and scope label without a private key', () => {
    const parsed = parseEnvelopeV2(seal('team-a', 'token'));
    assert.equal(parsed.keyId, keyId(publicKey));
    assert.equal(parsed.scopeLabel, 'team-a');
  });
  it('carries an empty label for cluster-wide values', () => {
    const value = seal('', 'ca.crt');
    assert.match(value, /^gs2:[A-Za-z0-9_-]{16}::/);
    assert.equal(parseEnvelopeV2(value).scopeLabel, '');
    assert.equal(open(value, 'ca.crt').toString(), SECRET);
  });
  it('wraps the session key under the domain-separated OAEP label', () => {
    const payload = parseEnvelopeV2(seal('prod/db', 'k')).payload;
    const rsa = payload.subarray(2, 2 + payload.readUInt16BE(0));
    const oaep = (oaepLabel: Buffer) =>
      privateDecrypt(
        { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel },
        rsa,
      );
    assert.equal(oaep(Buffer.from(`${ENVELOPE_V2_DOMAIN}\0prod/db`)).length, 32);
    assert.deepEqual(envelopeV2OaepLabel('prod/db'), Buffer.from('gitseal.dev/v2\0prod/db'));
    assert.throws(() => oaep(Buffer.from('prod/db')), 'a v1 label cannot unwrap a v2 key');
  });
  it('length-prefixes every AAD field, so field boundaries cannot shift', () => {
    assert.notDeepEqual(envelopeV2Aad('prod/a', 'b', 'k'), envelopeV2Aad('prod/', 'ab', 'k'));
    assert.deepEqual(envelopeV2Aad('', '', '').length, 4 * 4 + ENVELOPE_V2_DOMAIN.length);
  });
  it('uses a random nonce and key for each value', () => {
    const a = parseEnvelopeV2(seal('prod/db', 'k')).payload;
    const b = parseEnvelopeV2(seal('prod/db', 'k')).payload;
    assert.notDeepEqual(a.subarray(258, 270), b.subarray(258, 270));
    assert.notDeepEqual(a, b);
  });
});

describe('envelope v2 binding', () => {
  it('round-trips', () => {
    assert.equal(open(seal('prod/db-creds', 'password'), 'password').toString(), SECRET);
  });
  it('refuses a value moved to another item of the same object (swapped-item attack)', () => {
    const password = seal('prod/db-creds', 'password', 'the-password');
    assert.throws(() => open(password, 'username'), failsWith('DECRYPT_FAILED'));
  });
  it('refuses a value whose clear label was rewritten to another object or namespace', () => {
    const value = seal('prod/db-creds', 'password');
    for (const label of ['prod/other', 'staging/db-creds', 'prod', '']) {
      const forged = value.replace(/^(gs2:[^:]+:)[^:]*:/, `$1${Buffer.from(label).toString('base64url')}:`);
      assert.equal(parseEnvelopeV2(forged).scopeLabel, label);
      assert.throws(() => open(forged, 'password'), failsWith('DECRYPT_FAILED'), label);
    }
  });
  it('refuses a value whose clear key id was rewritten', () => {
    const value = seal('prod/db', 'k');
    const forged = value.replace(/^gs2:[^:]+:/, `gs2:${'A'.repeat(16)}:`);
    assert.throws(() => open(forged, 'k'), failsWith('DECRYPT_FAILED'));
  });
  it('refuses a flipped payload byte in every region', () => {
    const value = seal('prod/db', 'k');
    const payload = parseEnvelopeV2(value).payload;
    for (const at of [3, 200, 258, 269, 270, payload.length - 1]) {
      const bad = Buffer.from(payload);
      bad[at] = (bad[at] ?? 0) ^ 0x80;
      const envelope = { ...parseEnvelopeV2(value), payload: bad };
      assert.throws(
        () => openEnvelopeV2({ privateKey, envelope, itemKey: 'k' }),
        failsWith('DECRYPT_FAILED'),
        `byte ${at}`,
      );
    }
  });
  it('refuses another key', () => {
    const other = generateKeyPairSync(2048);
    const envelope = parseEnvelopeV2(seal('prod/db', 'k'));
    assert.throws(
      () => openEnvelopeV2({ privateKey: other.privateKey, envelope, itemKey: 'k' }),
      failsWith('DECRYPT_FAILED'),
    );
  });
  it('is never opened as a v1 value, even with the v2 payload and the scope label', () => {
    const { payload } = parseEnvelopeV2(seal('prod/db', 'k'));
    assert.throws(() => hybridDecrypt(privateKey, Buffer.from('prod/db'), payload), failsWith('DECRYPT_FAILED'));
  });
});

describe('parseEnvelopeV2 refusals', () => {
  const good = seal('prod/db', 'k');
  const [, id, label, payload] = good.split(':');
  const cases: [string, RegExp][] = [
    ['AAAA', /no "gs2:" prefix/],
    [`gs2:${id}:${label}`, /has 3 fields, expected 4/],
    [`gs2:${id}:${label}:${payload}:x`, /has 5 fields/],
    [`gs2:short:${label}:${payload}`, /key id is not 16 base64url/],
    [`gs2:${id}:${label}=:${payload}`, /scope label is not valid base64url/],
    [`gs2:${id}:${Buffer.from([0xff, 0xfe]).toString('base64url')}:${payload}`, /not valid UTF-8/],
    [`gs2:${id}:${Buffer.from('a\0b').toString('base64url')}:${payload}`, /not valid UTF-8/],
    [
      `gs2:${id}:${Buffer.from(`${'n'.repeat(63)}/${'x'.repeat(254)}`).toString('base64url')}:${payload}`,
      /longer than 317/,
    ],
    [`gs2:${id}:${'A'.repeat(100_000)}:${payload}`, /longer than 317/],
    [`gs2:${id}:${Buffer.from('prod/db\x1b[2J').toString('base64url')}:${payload}`, /control characters/],
    [`gs2:${id}:${Buffer.from('prod/\u202edb').toString('base64url')}:${payload}`, /control characters/],
    [`gs2:${id}:${Buffer.from('prod/db\u0085').toString('base64url')}:${payload}`, /control characters/],
  ];
  it('accepts the longest real label: a 63-character namespace and a 253-character name', () => {
    const longest = `${'n'.repeat(63)}/${'x'.repeat(253)}`;
    assert.equal(parseEnvelopeV2(seal(longest, 'k')).scopeLabel, longest);
  });
  for (const [value, message] of cases) {
    it(`refuses ${message.source}`, () => {
      assert.throws(
        () => parseEnvelopeV2(value, 'item "k"'),
        (e) => failsWith('INVALID_ENVELOPE')(e) && e instanceof Error && message.test(e.message),
      );
    });
  }
  it('refuses a payload that is not base64 or is truncated', () => {
    assert.throws(() => parseEnvelopeV2(`gs2:${id}:${label}:${payload?.slice(1)}`), failsWith('INVALID_BASE64'));
    const short = Buffer.from(payload ?? '', 'base64')
      .subarray(0, 2 + 256 + 12 + 15)
      .toString('base64');
    assert.throws(() => parseEnvelopeV2(`gs2:${id}:${label}:${short}`), failsWith('TRUNCATED'));
  });
  it('isEnvelopeV2 tells v2 from v1 by the prefix, which base64 cannot contain', () => {
    assert.equal(isEnvelopeV2(good), true);
    assert.equal(isEnvelopeV2(payload ?? ''), false);
    assert.equal(isStrictBase64(good), false);
  });
});
