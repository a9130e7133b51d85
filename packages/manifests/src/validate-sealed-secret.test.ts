import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManifestError, ManifestErrorCode } from './errors.js';
import { isSealedValueShape, validateSealedSecret } from './validate-sealed-secret.js';

const V1 = 'AgBy3i4OJSWK+PiTySYZZA==';
const V2 = 'gs2:q83vASNFZ4mrze8B:cHJvZC9kYg:AAEC';

const valid = (): Record<string, unknown> => ({
  apiVersion: 'gitseal.dev/v1alpha1',
  kind: 'SealedSecret',
  metadata: { name: 'db', namespace: 'prod' },
  spec: { encryptedData: { a: V1, b: V2 }, template: { type: 'Opaque', metadata: { labels: { x: 'y' } } } },
});

function assertInvalid(object: unknown, pattern: RegExp): void {
  assert.throws(
    () => validateSealedSecret(object, 'ss.yaml'),
    (error: unknown) => {
      assert.ok(error instanceof ManifestError);
      assert.equal(error.code, ManifestErrorCode.InvalidSealedSecret);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

test('accepts both families and both value formats', () => {
  assert.equal(validateSealedSecret(valid(), 'ss.yaml').spec.encryptedData['b'], V2);
  const bitnami = { ...valid(), apiVersion: 'bitnami.com/v1alpha1' };
  assert.equal(validateSealedSecret(bitnami, 'ss.yaml').apiVersion, 'bitnami.com/v1alpha1');
});

test('isSealedValueShape', () => {
  assert.ok(isSealedValueShape(V1));
  assert.ok(isSealedValueShape(V2));
  assert.ok(isSealedValueShape('gs2:abc::AAAA'));
  for (const bad of ['', 'not base64!', 'gs2:abc', 'gs2:a:b:c:d!', 'YQ']) assert.ok(!isSealedValueShape(bad), bad);
});

test('refuses unknown apiVersion and wrong kind', () => {
  assertInvalid(
    { ...valid(), apiVersion: 'gitseal.dev/v2' },
    /^ss\.yaml: SealedSecret prod\/db: unknown apiVersion "gitseal\.dev\/v2"/,
  );
  assertInvalid({ ...valid(), kind: 'Secret' }, /expected kind SealedSecret, got Secret$/);
});

test('refuses bad names', () => {
  assertInvalid({ ...valid(), metadata: { name: 'Db!' } }, /metadata\.name is missing or invalid$/);
  assertInvalid({ ...valid(), metadata: { namespace: 'x' } }, /metadata\.name is missing or invalid$/);
  assertInvalid({ ...valid(), metadata: { name: 'a', namespace: 'a.b' } }, /metadata\.namespace is invalid$/);
});

test('refuses missing or malformed encryptedData', () => {
  assertInvalid({ ...valid(), spec: {} }, /spec\.encryptedData is missing$/);
  assertInvalid({ ...valid(), spec: { encryptedData: ['x'] } }, /spec\.encryptedData is not a mapping$/);
  assertInvalid({ ...valid(), spec: { encryptedData: { a: 12 } } }, /spec\.encryptedData\.a is not a string$/);
  assertInvalid(
    { ...valid(), spec: { encryptedData: { a: 'plain text!' } } },
    /spec\.encryptedData\.a is not a sealed value$/,
  );
  assertInvalid({ ...valid(), spec: { encryptedData: { 'a b': V1 } } }, /key "a b" is not a valid Secret key$/);
  assertInvalid({ ...valid(), spec: null }, /spec is missing or not a mapping$/);
});

test('refuses malformed templates', () => {
  assertInvalid(
    { ...valid(), spec: { encryptedData: { a: V1 }, template: { type: 3 } } },
    /spec\.template\.type is not a string$/,
  );
  assertInvalid(
    { ...valid(), spec: { encryptedData: { a: V1 }, template: { immutable: 'yes' } } },
    /immutable is not a boolean$/,
  );
  assertInvalid(
    { ...valid(), spec: { encryptedData: { a: V1 }, template: { metadata: { labels: { a: true } } } } },
    /spec\.template\.metadata\.labels\["a"\] is not a string$/,
  );
});
