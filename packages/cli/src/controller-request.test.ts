import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CliError, ExitCode } from './cli-error.js';
import { ControllerRoute, type ControllerEndpoint, type ControllerReply } from './controller-endpoint.js';
import { postSealedSecret } from './controller-request.js';

function scripted(replies: ControllerReply[]): ControllerEndpoint & { sent: string[] } {
  const sent: string[] = [];
  return {
    where: 'controller http://127.0.0.1:8080',
    sent,
    post(route, json) {
      sent.push(`${route} ${json}`);
      const next = replies.shift();
      return next ? Promise.resolve(next) : Promise.reject(new Error('no more replies'));
    },
  };
}

const rateLimited: ControllerReply = {
  status: 429,
  retryAfter: '1',
  body: Buffer.from('{"error":"RateLimited","message":"too many requests; retry later"}'),
};
const ok: ControllerReply = { status: 200, retryAfter: undefined, body: Buffer.from('{"decryptable":true}') };

test('429s are waited out (Retry-After) and the same body is sent again', async () => {
  const endpoint = scripted([rateLimited, rateLimited, ok]);
  const waits: number[] = [];
  const answer = await postSealedSecret(endpoint, ControllerRoute.Verify, { kind: 'SealedSecret' }, 'a.yaml', {
    wait: (ms) => Promise.resolve(waits.push(ms)),
  });
  assert.deepEqual(answer, { kind: 'accepted', body: { decryptable: true } });
  assert.deepEqual(waits, [1000, 1000]);
  assert.deepEqual(endpoint.sent, Array(3).fill('/v1/verify {"kind":"SealedSecret"}'));
});

test('a controller that keeps answering 429 is given up on after a few attempts (exit 3)', async () => {
  const endpoint = scripted(Array(10).fill(rateLimited));
  const waits: number[] = [];
  await assert.rejects(
    postSealedSecret(endpoint, ControllerRoute.Rotate, {}, 'a.yaml', { wait: (ms) => Promise.resolve(waits.push(ms)) }),
    (error: unknown) => {
      assert.ok(error instanceof CliError);
      assert.equal(error.exitCode, ExitCode.Remote);
      assert.equal(
        error.message,
        'controller http://127.0.0.1:8080: still rate limited (429) after 4 attempts; try again later',
      );
      return true;
    },
  );
  assert.equal(endpoint.sent.length, 4);
  assert.equal(waits.length, 3);
});
