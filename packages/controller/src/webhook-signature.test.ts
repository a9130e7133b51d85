import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyWebhookSignature, webhookSignature } from './webhook-signature.js';

describe('webhook signature', () => {
  const body = Buffer.from('{"ref":"refs/heads/main"}');
  it("matches GitHub's documented example", () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    assert.equal(
      webhookSignature("It's a Secret to Everybody", Buffer.from('Hello, World!')),
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });
  it('accepts the right signature only', () => {
    const good = webhookSignature('k', body);
    assert.equal(verifyWebhookSignature('k', body, good), true);
    assert.equal(verifyWebhookSignature('k', body, good.toUpperCase().replace('SHA256', 'sha256')), true);
    assert.equal(verifyWebhookSignature('other', body, good), false);
    assert.equal(verifyWebhookSignature('k', Buffer.from('{}'), good), false);
    assert.equal(verifyWebhookSignature('k', body, undefined), false);
    assert.equal(verifyWebhookSignature('k', body, good.slice(7)), false);
    assert.equal(verifyWebhookSignature('k', body, `${good}00`), false);
    assert.equal(verifyWebhookSignature('k', body, 'sha1=abc'), false);
  });
});
