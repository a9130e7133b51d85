import { Envelope, generateKeyPairSync, scopeLabel, sealValue } from '@gitseal/crypto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CliError, ExitCode } from '../cli-error.js';
import type { ControllerEndpoint } from '../controller-endpoint.js';
import { readSealedTarget } from '../sealed-target.js';
import { rotatedValues, rotateThroughController } from './reencrypt-controller.js';

const { publicKey } = generateKeyPairSync(2048);
const WHERE = 'controller http://127.0.0.1:8080';

function seal(label: string, itemKey: string, envelope: Envelope): string {
  return sealValue({ publicKey, scopeLabel: label, itemKey, plaintext: Buffer.from('x'), envelope });
}

function sealedSecret(encryptedData: Record<string, string>, name = 'db') {
  return {
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name, namespace: 'prod' },
    spec: { encryptedData },
  };
}

const strict = scopeLabel('strict', 'prod', 'db');
const before = sealedSecret({ a: seal(strict, 'a', Envelope.V1), b: seal(strict, 'b', Envelope.V2) });
const target = readSealedTarget(before, 'a.yaml');

function rejected(answer: unknown): string {
  try {
    rotatedValues(answer, target, WHERE);
  } catch (error) {
    assert.ok(error instanceof CliError);
    assert.equal(error.exitCode, ExitCode.Remote);
    return error.message;
  }
  assert.fail('should be rejected');
}

test('takes the rotated values of the same object, items and envelopes', () => {
  const rotated = { a: seal(strict, 'a', Envelope.V1), b: seal(strict, 'b', Envelope.V2) };
  assert.deepEqual(rotatedValues(sealedSecret(rotated), target, WHERE), rotated);
});

test('refuses an answer that widened the scope, changed items or envelopes, or is another object', () => {
  const wide = scopeLabel('namespace-wide', 'prod', 'db');
  const a = seal(strict, 'a', Envelope.V1);
  const prefix = `a.yaml: SealedSecret prod/db: ${WHERE}: the answer to /v1/rotate is not this SealedSecret re-encrypted`;
  assert.equal(rejected(sealedSecret({ a, b: seal(wide, 'b', Envelope.V2) })), `${prefix} (item "b" changed scope)`);
  assert.equal(rejected(sealedSecret({ a })), `${prefix} (other items)`);
  assert.equal(
    rejected(sealedSecret({ a, b: seal(strict, 'b', Envelope.V1) })),
    `${prefix} (item "b" changed envelope)`,
  );
  assert.equal(rejected(sealedSecret({ a, b: 'not sealed!' })), `${prefix} (item "b" is not a sealed value)`);
  assert.equal(rejected(sealedSecret({ a, b: seal(strict, 'b', Envelope.V2) }, 'web')), `${prefix} (another object)`);
  assert.equal(rejected(null), `${prefix} (another object)`);
});

test('an object the controller cannot open is bad input (exit 1) naming file and object', async () => {
  const endpoint: ControllerEndpoint = {
    where: WHERE,
    post: () =>
      Promise.resolve({
        status: 409,
        retryAfter: undefined,
        body: Buffer.from(
          '{"error":"SealedSecretUndecryptable","message":"SealedSecret prod/db: no key opens item \\"a\\""}',
        ),
      }),
  };
  await assert.rejects(rotateThroughController(endpoint, target, before), (error: unknown) => {
    assert.ok(error instanceof CliError);
    assert.equal(error.exitCode, ExitCode.User);
    assert.equal(
      error.message,
      'a.yaml: SealedSecret prod/db: cannot be re-encrypted by the controller: no key opens item "a"',
    );
    return true;
  });
});
