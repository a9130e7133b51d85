import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createSelfSignedCertificate, exportPrivateKeyPem, generateKeyPair } from '@gitseal/crypto';
import type { KubeObject } from '@gitseal/manifests';
import { CliError } from './cli-error.js';
import { formatKeyBackup, KeyOrigin, readKeyBackup, readKeySecret } from './key-backup.js';

interface Pem {
  readonly crt: string;
  readonly key: string;
}

let one: Pem;
let two: Pem;

async function pair(): Promise<Pem> {
  const { privateKey, publicKey } = await generateKeyPair(2048);
  const crt = createSelfSignedCertificate({ privateKey, publicKey });
  const key = exportPrivateKeyPem(privateKey).reveal().toString('utf8');
  return { crt: Buffer.from(crt).toString('base64'), key: Buffer.from(key).toString('base64') };
}

before(async () => {
  [one, two] = await Promise.all([pair(), pair()]);
});

function keySecret(name: string, labels: Record<string, string>, pem: Pem, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: 'gitseal-system',
      labels,
      uid: 'u-1',
      resourceVersion: '42',
      creationTimestamp: '2026-01-01T00:00:00Z',
      managedFields: [{ manager: 'kubectl' }],
      annotations: { note: 'kept', 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"tls.key":"…"}}' },
    },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': pem.crt, 'tls.key': pem.key },
    ...extra,
  } as KubeObject;
}

function refuses(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (error: unknown) => error instanceof CliError && message.test(error.message));
}

test('a backup is one List that reads back to the same keys, labels kept, server fields and last-applied dropped', () => {
  const keys = [
    readKeySecret(keySecret('gitseal-key-a', { 'gitseal.dev/sealing-key': 'decrypt-only' }, one), 'a'),
    readKeySecret(keySecret('sealed-secrets-keyx', { 'sealedsecrets.bitnami.com/sealed-secrets-key': '' }, two), 'b'),
  ];
  assert.deepEqual(
    keys.map((k) => [k.origin, k.state]),
    [
      [KeyOrigin.Gitseal, 'decrypt-only'],
      [KeyOrigin.Bitnami, ''],
    ],
  );
  const text = formatKeyBackup(keys);
  const list = JSON.parse(text) as { kind: string; items: KubeObject[] };
  assert.equal(list.kind, 'List');
  assert.equal(list.items.length, 2);
  assert.deepEqual(list.items[0]?.metadata, {
    name: 'gitseal-key-a',
    namespace: 'gitseal-system',
    labels: { 'gitseal.dev/sealing-key': 'decrypt-only' },
    annotations: { note: 'kept' },
  });
  assert.deepEqual(readKeyBackup(text, 'backup.yaml'), keys);
});

test('the same Secret twice counts once; two different Secrets of one name are refused', () => {
  const a = keySecret('k', { 'gitseal.dev/sealing-key': 'active' }, one);
  const list = (items: KubeObject[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
  assert.equal(readKeyBackup(list([a, a]), 'f').length, 1);
  refuses(
    () => readKeyBackup(list([a, keySecret('k', { 'gitseal.dev/sealing-key': 'active' }, two)]), 'f'),
    /^f: two different Secrets named k$/,
  );
});

test('what is not a usable key Secret is refused, naming it and never its content', () => {
  const label = { 'gitseal.dev/sealing-key': 'active' };
  refuses(() => readKeySecret(keySecret('k', {}, one), 'Secret ns/k'), /^Secret ns\/k: labelled neither/);
  refuses(
    () => readKeySecret(keySecret('k', label, one, { data: { 'tls.crt': one.crt } }), 'Secret ns/k'),
    /^Secret ns\/k: needs data tls\.crt and tls\.key$/,
  );
  refuses(
    () => readKeySecret(keySecret('k', label, { crt: two.crt, key: one.key }), 'Secret ns/k'),
    /does not match the private key/,
  );
  refuses(() => readKeySecret({ apiVersion: 'v1', kind: 'ConfigMap' }, 'x'), /^x: not a v1 Secret/);
  refuses(() => readKeyBackup('{"apiVersion":"v1","kind":"List","items":[]}', 'f'), /^f: no key Secrets/);
  try {
    readKeySecret(keySecret('k', label, { crt: two.crt, key: one.key }), 'Secret ns/k');
  } catch (error) {
    assert.ok(!(error as Error).message.includes(one.key.slice(100, 140)));
  }
});
