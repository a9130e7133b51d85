import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signBody, verifySignature } from './hmac-signature.js';

test('signBody matches GitHub’s documented X-Hub-Signature-256 example', () => {
  // docs.github.com "Validating webhook deliveries": secret "It's a Secret to Everybody", payload "Hello, World!".
  assert.equal(
    signBody('Hello, World!', "It's a Secret to Everybody"),
    'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
  );
});

test('verifySignature accepts the right header only', () => {
  const header = signBody('{"a":1}', 'k');
  assert.equal(verifySignature('{"a":1}', 'k', header), true);
  assert.equal(verifySignature('{"a":2}', 'k', header), false);
  assert.equal(verifySignature('{"a":1}', 'other', header), false);
  assert.equal(verifySignature('{"a":1}', 'k', undefined), false);
  assert.equal(verifySignature('{"a":1}', 'k', 'sha256=00'), false);
});
