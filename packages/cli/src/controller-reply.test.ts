import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CliError, ExitCode } from './cli-error.js';
import type { ControllerReply } from './controller-endpoint.js';
import { readErrorBody, readReply, refusalReason, retryDelayMs } from './controller-reply.js';

const WHERE = 'controller http://127.0.0.1:8080';
const SUBJECT = 'a.yaml: SealedSecret prod/db';

function reply(status: number, body: unknown, retryAfter?: string): ControllerReply {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { status, retryAfter, body: Buffer.from(text) };
}

function remoteError(status: number, body: unknown): string {
  try {
    readReply(reply(status, body), WHERE, SUBJECT);
  } catch (error) {
    assert.ok(error instanceof CliError);
    assert.equal(error.exitCode, ExitCode.Remote);
    return error.message;
  }
  assert.fail(`HTTP ${status} should throw`);
}

test('the error body is reduced to a token and one short printable line', () => {
  assert.deepEqual(readErrorBody(Buffer.from('{"error":"NotReady","message":"waiting for\\nkeys"}')), {
    error: 'NotReady',
    message: 'waiting for keys',
  });
  assert.deepEqual(readErrorBody(Buffer.from('{"error":"Not a token!","message":"x"}')), {});
  assert.deepEqual(readErrorBody(Buffer.from('<html>Bad gateway</html>')), {});
  assert.deepEqual(readErrorBody(Buffer.from('{"error":"X"}')), { error: 'X' });
  const long = readErrorBody(Buffer.from(JSON.stringify({ error: 'X', message: 'y'.repeat(1000) })));
  assert.equal(long.message?.length, 301);
});

test('Retry-After: seconds or an HTTP date, else exponential; always within 0.2–10 s', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(retryDelayMs('1', 0, now), 1000);
  assert.equal(retryDelayMs('3', 0, now), 3000);
  assert.equal(retryDelayMs('3600', 0, now), 10_000);
  assert.equal(retryDelayMs('0', 0, now), 200);
  assert.equal(retryDelayMs('Thu, 01 Jan 2026 00:00:02 GMT', 0, now), 2000);
  assert.equal(retryDelayMs(undefined, 0, now), 1000);
  assert.equal(retryDelayMs('soon', 2, now), 4000);
  assert.equal(retryDelayMs(undefined, 9, now), 10_000);
});

test('200 is accepted, 409 and 400 are refusals of the object, 429 is a retry', () => {
  assert.deepEqual(readReply(reply(200, { decryptable: true }), WHERE, SUBJECT), {
    kind: 'accepted',
    body: { decryptable: true },
  });
  const refused = readReply(
    reply(409, { error: 'SealedSecretUndecryptable', message: 'SealedSecret prod/db: no key opens item "a"' }),
    WHERE,
    SUBJECT,
  );
  assert.deepEqual(refused, {
    kind: 'refused',
    status: 409,
    error: 'SealedSecretUndecryptable',
    message: 'SealedSecret prod/db: no key opens item "a"',
  });
  assert.equal(
    refused.kind === 'refused' && refusalReason(refused, { namespace: 'prod', name: 'db' }),
    'no key opens item "a"',
  );
  assert.equal(
    refused.kind === 'refused' && refusalReason(refused, { namespace: 'prod', name: 'web' }),
    refused.message,
  );
  assert.equal(readReply(reply(400, { error: 'InvalidSealedSecret', message: 'm' }), WHERE, SUBJECT).kind, 'refused');
  assert.deepEqual(readReply(reply(429, {}, '2'), WHERE, SUBJECT), { kind: 'retry', delayMs: 2000 });
});

test('413, 415, 5xx, other statuses and non-JSON answers are one-line remote errors naming the controller', () => {
  assert.equal(
    remoteError(413, { error: 'PayloadTooLarge', message: 'request body is larger than the limit' }),
    `${SUBJECT}: ${WHERE}: the SealedSecret is larger than the controller accepts (413)`,
  );
  assert.match(remoteError(415, {}), /^controller http:\/\/127\.0\.0\.1:8080: .*media type \(415\)$/);
  assert.equal(
    remoteError(503, { error: 'NoSealingKey', message: 'no active sealing key yet' }),
    `${WHERE}: the controller failed: service unavailable (503): NoSealingKey (no active sealing key yet)`,
  );
  assert.equal(
    remoteError(502, '<html>\nproxy says no\n</html>'),
    `${WHERE}: the controller failed: bad gateway (502)`,
  );
  assert.equal(
    remoteError(404, { error: 'NotFound', message: 'no such endpoint' }),
    `${WHERE}: unexpected answer: not found (404): NotFound (no such endpoint)`,
  );
  assert.equal(remoteError(409, 'not json'), `${WHERE}: unexpected answer: conflict (409)`);
  assert.equal(remoteError(200, 'not json'), `${WHERE}: the answer is not JSON`);
});

test("Bitnami's controller: an empty 200 is accepted, an empty 409 is a refusal", () => {
  const empty = (status: number) => readReply({ status, body: Buffer.alloc(0), retryAfter: undefined }, WHERE, SUBJECT);
  assert.deepEqual(empty(200), { kind: 'accepted', body: null });
  assert.deepEqual(empty(409), {
    kind: 'refused',
    status: 409,
    error: 'SealedSecretUndecryptable',
    message: 'the controller cannot decrypt it',
  });
  assert.throws(() => empty(500), /the controller failed: internal server error \(500\)/);
});
