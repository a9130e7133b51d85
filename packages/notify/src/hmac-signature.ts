import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header the generic webhook signs with, like GitHub's `X-Hub-Signature-256`. */
export const SIGNATURE_HEADER = 'X-Gitseal-Signature-256';

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`. */
export function signBody(body: string | Buffer, secret: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** For receivers: a constant-time check of a header value against the body. */
export function verifySignature(body: string | Buffer, secret: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(body, secret));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
