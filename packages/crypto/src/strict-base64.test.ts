import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CryptoError } from './errors.js';
import {
  decodeBase64Strict,
  decodeBase64UrlStrict,
  encodeBase64,
  encodeBase64Url,
  isStrictBase64,
} from './strict-base64.js';

const bytes = Buffer.from([0xfb, 0xff, 0x00, 0x41, 0x7e]);

describe('strict base64', () => {
  it('round-trips standard and url-safe forms', () => {
    assert.deepEqual(decodeBase64Strict(encodeBase64(bytes)), bytes);
    assert.deepEqual(decodeBase64UrlStrict(encodeBase64Url(bytes)), bytes);
    assert.equal(encodeBase64Url(bytes).includes('='), false);
  });
  it('refuses junk, missing padding, whitespace and url-safe letters in standard base64', () => {
    for (const bad of ['ab$c', 'YQ', 'YQ==\n', 'Y Q==', '-_8A', 'gs2:abc']) {
      assert.equal(isStrictBase64(bad), false, bad);
      assert.throws(
        () => decodeBase64Strict(bad, 'item'),
        (e) => e instanceof CryptoError && e.code === 'INVALID_BASE64',
      );
    }
  });
  it('accepts the empty string as zero bytes', () => {
    assert.equal(decodeBase64Strict('').length, 0);
  });
  it('refuses padding, standard letters and non-canonical tails in base64url', () => {
    for (const bad of ['YQ==', 'a+b/', 'A', 'YR']) {
      assert.throws(
        () => decodeBase64UrlStrict(bad),
        (e) => e instanceof CryptoError && e.code === 'INVALID_BASE64',
        bad,
      );
    }
  });
  it('names the value in the message, not its content', () => {
    assert.throws(() => decodeBase64Strict('s3cret!', 'item "password"'), {
      message: 'item "password" is not valid base64',
    });
  });
});
