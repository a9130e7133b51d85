import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { ManifestError, ManifestErrorCode } from './errors.js';
import { readSecret } from './secret-input.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const secret = (extra: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'prod' },
  ...extra,
});

function assertSecretError(object: unknown, pattern: RegExp, secretText?: string): void {
  assert.throws(
    () => readSecret(object, 's.yaml'),
    (error: unknown) => {
      assert.ok(error instanceof ManifestError);
      assert.equal(error.code, ManifestErrorCode.InvalidSecret);
      assert.match(error.message, pattern);
      if (secretText !== undefined) assert.ok(!error.message.includes(secretText));
      return true;
    },
  );
}

test('reads data and stringData, stringData winning, values redacted', () => {
  const input = readSecret(
    secret({
      type: 'kubernetes.io/basic-auth',
      immutable: true,
      data: { username: b64('admin'), password: b64('old') },
      stringData: { password: 'new-pass' },
    }),
    's.yaml',
  );
  assert.equal(input.type, 'kubernetes.io/basic-auth');
  assert.equal(input.immutable, true);
  assert.deepEqual([...input.data.keys()].sort(), ['password', 'username']);
  assert.equal(input.data.get('username')?.reveal().toString(), 'admin');
  assert.equal(input.data.get('password')?.reveal().toString(), 'new-pass');
  assert.ok(!inspect(input).includes('new-pass'));
  assert.ok(!JSON.stringify(input.data.get('password')).includes('new-pass'));
  assert.equal(input.metadata.name, 'db');
});

test('defaults the type to Opaque and keeps an empty value', () => {
  const input = readSecret(secret({ data: { empty: '' } }), 's.yaml');
  assert.equal(input.type, 'Opaque');
  assert.equal(input.immutable, undefined);
  assert.equal(input.data.get('empty')?.length, 0);
});

test('refuses what is not a v1 Secret', () => {
  assertSecretError(
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
    /^s\.yaml: ConfigMap c: expected a v1 Secret, got v1 ConfigMap$/,
  );
  assertSecretError(['x'], /^s\.yaml: expected a v1 Secret/);
});

test('invalid base64 names the key, not the value', () => {
  assertSecretError(
    secret({ data: { password: 'c2VjcmV0LXZhbHVl!' } }),
    /^s\.yaml: Secret prod\/db: data\.password is not valid base64$/,
    'c2VjcmV0LXZhbHVl',
  );
  assertSecretError(secret({ data: { pw: 'YQ' } }), /data\.pw is not valid base64$/); // missing padding
});

test('non-string stringData asks for quoting without echoing the value', () => {
  assertSecretError(
    secret({ stringData: { port: 5432 } }),
    /stringData\.port is not a string \(quote it in YAML\)$/,
    '5432',
  );
});

test('refuses an empty Secret and invalid keys', () => {
  assertSecretError(secret({}), /has no data and no stringData \(pass --allow-empty-data to seal it anyway\)$/);
  assertSecretError(
    secret({ data: {}, stringData: null }),
    /has no data and no stringData \(pass --allow-empty-data to seal it anyway\)$/,
  );
  assert.equal(readSecret(secret({}), 's.yaml', { allowEmpty: true }).data.size, 0);
  assertSecretError(secret({ stringData: { 'bad/key': 'v' } }), /stringData key "bad\/key" is not a valid Secret key/);
  assertSecretError(secret({ stringData: { '..': 'v' } }), /key "\.\." is not a valid Secret key/);
  assertSecretError(secret({ stringData: { ['k'.repeat(254)]: 'v' } }), /is not a valid Secret key/);
  assert.equal(
    readSecret(secret({ stringData: { ['k'.repeat(253)]: 'v', '.env-file_1': 'x' } }), 's.yaml').data.size,
    2,
  );
});

test('checks metadata and field types', () => {
  assertSecretError(
    secret({ metadata: { name: 'Bad_Name' }, stringData: { a: 'b' } }),
    /metadata\.name is not a valid object name$/,
  );
  assertSecretError(secret({ immutable: 'yes', stringData: { a: 'b' } }), /immutable is not a boolean$/);
  assertSecretError(secret({ data: ['a'] }), /data is not a mapping$/);
});
