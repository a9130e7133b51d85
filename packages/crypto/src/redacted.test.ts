import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { format, inspect } from 'node:util';
import { Redacted } from './redacted.js';

const SECRET = 'hunter2-very-secret';

describe('Redacted', () => {
  it('never prints its bytes', () => {
    const secret = Redacted.fromString(SECRET);
    const outputs = [
      String(secret),
      `${secret}`,
      JSON.stringify({ secret }),
      inspect(secret),
      inspect({ nested: { secret } }, { depth: 5 }),
      format('%s %o %O %j', secret, secret, secret, secret),
    ];
    for (const out of outputs) {
      assert.ok(!out.includes(SECRET), out);
      assert.ok(!out.includes(Buffer.from(SECRET).toString('base64')), out);
      assert.ok(out.includes('[redacted]'), out);
    }
  });
  it('reveals the bytes on purpose, as a copy of the input', () => {
    const input = Buffer.from(SECRET);
    const secret = new Redacted(input);
    input.fill(0);
    assert.equal(secret.reveal().toString(), SECRET);
    assert.equal(secret.length, SECRET.length);
  });
  it('compares and wipes', () => {
    const a = Redacted.fromString(SECRET);
    assert.ok(a.equals(Redacted.fromString(SECRET)));
    assert.ok(!a.equals(Redacted.fromString('other')));
    a.wipe();
    assert.ok(a.reveal().every((b) => b === 0));
  });
});
