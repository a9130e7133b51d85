import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256=';

/** GitHub's `X-Hub-Signature-256` value for a body: `sha256=<hex HMAC-SHA256>`. */
export function webhookSignature(secret: Buffer | string, body: Buffer): string {
  return `${PREFIX}${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Checks an `X-Hub-Signature-256` header in constant time; false for a missing or malformed one. */
export function verifyWebhookSignature(secret: Buffer | string, body: Buffer, header: string | undefined): boolean {
  if (header === undefined || !header.startsWith(PREFIX)) return false;
  const hex = header.slice(PREFIX.length);
  if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
  const given = Buffer.from(hex, 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
