import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectEnvelope, Envelope } from './envelope.js';

describe('detectEnvelope', () => {
  it('detects v2 by its prefix and everything else as v1', () => {
    assert.equal(detectEnvelope('gs2:AAAAAAAAAAAAAAAA::AAAA'), Envelope.V2);
    assert.equal(detectEnvelope('AgBy3i4OJSWK+PiTySYZZA=='), Envelope.V1);
    assert.equal(detectEnvelope('gs2'), Envelope.V1);
    assert.equal(detectEnvelope('GS2:x'), Envelope.V1);
  });
});
