import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CryptoError } from './errors.js';
import { joinHybrid, splitHybrid } from './hybrid-layout.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof CryptoError ? e.code : 'other';
  }
  return 'none';
};

describe('hybrid framing', () => {
  it('writes a big-endian 16-bit length prefix and splits back', () => {
    const rsa = Buffer.alloc(0x0102, 7);
    const joined = joinHybrid(rsa, Buffer.from('ab'), Buffer.from('cd'));
    assert.deepEqual([...joined.subarray(0, 2)], [0x01, 0x02]);
    const { rsaCiphertext, rest } = splitHybrid(joined, 4);
    assert.deepEqual(rsaCiphertext, rsa);
    assert.equal(rest.toString(), 'abcd');
  });
  it('reports truncation at every point', () => {
    const joined = joinHybrid(Buffer.alloc(10, 1), Buffer.alloc(16, 2));
    assert.equal(
      codeOf(() => splitHybrid(joined.subarray(0, 1), 16)),
      'TRUNCATED',
    );
    assert.equal(
      codeOf(() => splitHybrid(joined.subarray(0, 8), 16)),
      'TRUNCATED',
    );
    assert.equal(
      codeOf(() => splitHybrid(joined.subarray(0, joined.length - 1), 16)),
      'TRUNCATED',
    );
    assert.equal(
      codeOf(() => splitHybrid(joined, 16)),
      'none',
    );
  });
  it('refuses an empty RSA part', () => {
    assert.equal(
      codeOf(() => splitHybrid(Buffer.alloc(20), 16)),
      'DECRYPT_FAILED',
    );
  });
  it('refuses an RSA part longer than the prefix can say', () => {
    assert.equal(
      codeOf(() => joinHybrid(Buffer.alloc(0x10000))),
      'INVALID_KEY',
    );
  });
});
