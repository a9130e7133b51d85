import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Secret } from '@gitseal/manifests';
import { planSecretWrite, sameRecord, SecretWrite } from './desired-secret.js';

const secret = (fields: Partial<Secret> = {}): Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's', namespace: 'ns' },
  type: 'Opaque',
  data: { a: 'QQ==', b: 'Qg==' },
  ...fields,
});

test('sameRecord ignores key order', () => {
  assert.ok(sameRecord({ a: '1', b: '2' }, { b: '2', a: '1' }));
  assert.ok(!sameRecord({ a: '1' }, { a: '1', b: '2' }));
  assert.ok(!sameRecord({ a: '1', b: '2' }, { a: '1', b: '3' }));
  assert.ok(sameRecord(undefined, {}));
});

test('planSecretWrite: create, replace, and recreate only where a PUT would be refused', () => {
  assert.equal(planSecretWrite(undefined, secret()), SecretWrite.Create);
  assert.equal(planSecretWrite(secret(), secret({ data: { a: 'eA==' } })), SecretWrite.Replace);
  assert.equal(planSecretWrite(secret(), secret({ type: 'kubernetes.io/tls' })), SecretWrite.Recreate);
  // Immutable, same data in another key order: nothing to recreate.
  const reordered = secret({ immutable: true, data: { b: 'Qg==', a: 'QQ==' } });
  assert.equal(planSecretWrite(secret({ immutable: true }), reordered), SecretWrite.Replace);
  assert.equal(
    planSecretWrite(secret({ immutable: true }), secret({ immutable: true, data: { a: 'eA==' } })),
    SecretWrite.Recreate,
  );
  // immutable: true → false with the same data: the API server refuses the PUT (422).
  assert.equal(planSecretWrite(secret({ immutable: true }), secret({ immutable: false })), SecretWrite.Recreate);
  assert.equal(planSecretWrite(secret({ immutable: true }), secret()), SecretWrite.Recreate);
  // Becoming immutable is an update like any other.
  assert.equal(planSecretWrite(secret(), secret({ immutable: true })), SecretWrite.Replace);
});
