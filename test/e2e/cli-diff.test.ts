// `gitseal diff --path DIR` against the real control plane: live state is applied with field manager `gitseal`
// (as the sync engine does), the folder is rendered and compared through server-side-apply dry runs. Secret values
// and ciphertext must never show up in the output.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { dump, load } from 'js-yaml';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { KubeObject } from '@gitseal/manifests';
import { Envelope, generateKeyPair, sealValue, type KeyPair } from '@gitseal/crypto';
import { createRawApplier, makeObjectApi, readObject } from '@gitseal/kube';
import { desiredObject } from '@gitseal/sync';
import { assertFailure, assertNoMarkers, assertSuccess, makeTempDir, marker, runCli } from './cli-harness.js';
import { createTestNamespace, crdPath, installCrd, kubeConfigFor, sharedControlPlane } from '../support/index.js';
import { resolveHelmBinary } from '../cluster/helm-binary.js';
import { widgetCrd } from './sync-harness.js';

const shared = sharedControlPlane();

let dir: string;
let cleanup: () => Promise<void>;
let keys: KeyPair;
before(async () => {
  ({ dir, cleanup } = await makeTempDir());
  keys = await generateKeyPair(2048);
});
after(() => cleanup());

interface Env {
  readonly kc: KubeConfig;
  readonly kubeconfig: string;
  readonly namespace: string;
}

let crd: Promise<unknown> | undefined;

async function setup(t: TestContext, prefix: string): Promise<Env | undefined> {
  const plane = shared.use(t);
  if (plane === undefined) return undefined;
  const kc = kubeConfigFor(plane.kubeconfigPath);
  crd ??= installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
  await crd;
  return { kc, kubeconfig: plane.kubeconfigPath, namespace: await createTestNamespace(kc, prefix) };
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

/**
 * Live state as the sync engine leaves it: applied with field manager `gitseal`, with the applied-digest annotation
 * (and the sync label the object names, if any).
 */
async function applyLive(env: Env, objects: readonly KubernetesObject[]): Promise<void> {
  const applier = createRawApplier(env.kc, { fieldManager: 'gitseal' });
  for (const object of objects) await applier.apply(desiredObject(object as unknown as KubeObject, undefined));
}

/** Writes each object to its own file (without a namespace, so that `-n` has to default it). */
async function writeFolder(name: string, files: Record<string, unknown[] | string>): Promise<string> {
  const folder = join(dir, name);
  await mkdir(folder, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    const text = typeof content === 'string' ? content : content.map((doc) => dump(doc)).join('---\n');
    await writeFile(join(folder, file), text);
  }
  return folder;
}

function configMap(name: string, data: Record<string, string>, namespace?: string, labels?: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) },
    data,
  };
}

function secret(name: string, data: Record<string, string>, namespace?: string) {
  const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)]));
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, ...(namespace ? { namespace } : {}) }, data: encoded };
}

function seal(namespace: string, name: string, key: string, plaintext: string): string {
  return sealValue({
    publicKey: keys.publicKey,
    scopeLabel: `${namespace}/${name}`,
    itemKey: key,
    plaintext: Buffer.from(plaintext),
    envelope: Envelope.V2,
  });
}

function sealedSecret(name: string, encryptedData: Record<string, string>, namespace?: string) {
  return {
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: { encryptedData, template: { type: 'Opaque' } },
  };
}

test('diff: created, changed, unchanged; Secrets and SealedSecrets per key, never a value', async (t) => {
  const env = await setup(t, 'diff');
  if (env === undefined) return;
  const ns = env.namespace;
  const oldPassword = marker('old-pw');
  const newPassword = marker('new-pw');
  const droppedToken = marker('dropped');
  const sameCipher = seal(ns, 'creds', 'same', marker('same'));
  const oldCipher = seal(ns, 'creds', 'rotated', marker('rotated'));
  const newCipher = seal(ns, 'creds', 'rotated', marker('rotated'));
  const goneCipher = seal(ns, 'creds', 'gone', marker('gone'));
  const freshCipher = seal(ns, 'creds', 'fresh', marker('fresh'));
  const markers = [oldPassword, newPassword, droppedToken];
  const ciphers = [sameCipher, oldCipher, newCipher, goneCipher, freshCipher];

  await applyLive(env, [
    configMap('same', { a: '1' }, ns),
    configMap('edited', { a: '1', keep: 'x' }, ns),
    secret('db', { password: oldPassword, user: 'admin', token: droppedToken }, ns),
    sealedSecret('creds', { same: sameCipher, rotated: oldCipher, gone: goneCipher }, ns),
  ]);
  const folder = await writeFolder('app', {
    'a-same.yaml': [configMap('same', { a: '1' })],
    'b-edited.yaml': [configMap('edited', { a: '2', keep: 'x' })],
    'c-new.yaml': [configMap('fresh', { hello: 'world' })],
    'd-secret.yaml': [secret('db', { password: newPassword, user: 'admin' })],
    'e-sealed.yaml': [sealedSecret('creds', { same: sameCipher, rotated: newCipher, fresh: freshCipher })],
  });

  const result = await runCli(['diff', '--path', folder, '-n', ns, '--kubeconfig', env.kubeconfig]);
  assertSuccess(result);
  const lines = result.stdout.split('\n');
  const expected = [
    `= ConfigMap ${ns}/same unchanged (a-same.yaml#0)`,
    `~ ConfigMap ${ns}/edited changed (b-edited.yaml#0)`,
    '    - data.a: "1"',
    '    + data.a: "2"',
    `+ ConfigMap ${ns}/fresh created (c-new.yaml#0)`,
    `~ Secret ${ns}/db changed (d-secret.yaml#0)`,
    '    data["password"]: changed',
    '    data["token"]: removed',
    '    data["user"]: unchanged',
    `~ SealedSecret ${ns}/creds changed (e-sealed.yaml#0)`,
    '    encryptedData["fresh"]: added',
    '    encryptedData["gone"]: removed',
    '    encryptedData["rotated"]: resealed (ciphertext differs; plaintext not compared)',
    '    encryptedData["same"]: unchanged (identical ciphertext)',
  ];
  for (const line of expected)
    assert.ok(lines.includes(line), `missing line ${JSON.stringify(line)} in:\n${result.stdout}`);
  assert.ok(!result.stdout.includes('keep'), 'unchanged fields of a changed object are not listed');
  assert.equal(lines.at(-2), '5 object(s) in the folder: 1 to create, 3 to change, 1 unchanged');
  assertNoMarkers(result.stdout + result.stderr, markers, 'diff output');
  for (const cipher of ciphers) {
    assert.ok(!result.stdout.includes(cipher.slice(0, 40)), 'no ciphertext in the output');
    assert.ok(!result.stdout.includes(cipher.slice(-40)), 'no ciphertext in the output');
  }

  // A dry run persists nothing.
  const client = makeObjectApi(env.kc);
  const edited = await readObject<KubernetesObject & { data?: Record<string, string> }>(client, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'edited', namespace: ns },
  });
  assert.equal(edited?.data?.a, '1');
  const fresh = await readObject(client, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'fresh', namespace: ns },
  });
  assert.equal(fresh, undefined);

  // --exit-code: 1 with differences (same report on stdout, nothing on stderr), 0 without.
  const strict = await runCli(['diff', '--path', folder, '-n', ns, '--kubeconfig', env.kubeconfig, '--exit-code']);
  assert.equal(strict.code, 1);
  assert.equal(strict.stderr, '');
  assert.equal(strict.stdout, result.stdout);
  const same = await writeFolder('same-only', { 'cm.yaml': [configMap('same', { a: '1' })] });
  const clean = await runCli(['diff', '--path', same, '-n', ns, '--kubeconfig', env.kubeconfig, '--exit-code']);
  assertSuccess(clean);
  assert.equal(
    clean.stdout,
    `= ConfigMap ${ns}/same unchanged (cm.yaml#0)\n1 object(s) in the folder: 0 to create, 0 to change, 1 unchanged\n`,
  );
});

test('diff: a Secret whose only change is its value prints "changed" and neither value nor its base64', async (t) => {
  const env = await setup(t, 'diff-secret');
  if (env === undefined) return;
  const before = marker('before');
  const afterValue = marker('after');
  await applyLive(env, [secret('api', { key: before }, env.namespace)]);
  const folder = await writeFolder('secret-only', {
    // stringData: the API server turns it into data; the comparison is on the decoded value.
    'api.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  key: ${afterValue}\n`,
  });
  const result = await runCli(['diff', '--path', folder, '-n', env.namespace, '--kubeconfig', env.kubeconfig]);
  assertSuccess(result);
  assert.equal(
    result.stdout,
    `~ Secret ${env.namespace}/api changed (api.yaml#0)\n    data["key"]: changed\n` +
      '1 object(s) in the folder: 0 to create, 1 to change, 0 unchanged\n',
  );
  assertNoMarkers(result.stdout + result.stderr, [before, afterValue], 'diff output');

  const unchanged = await writeFolder('secret-same', { 'api.yaml': [secret('api', { key: before })] });
  const same = await runCli(['diff', '--path', unchanged, '-n', env.namespace, '--kubeconfig', env.kubeconfig]);
  assertSuccess(same);
  assert.match(same.stdout, new RegExp(`^= Secret ${env.namespace}/api unchanged`));
  assertNoMarkers(same.stdout, [before], 'diff output');
});

test('diff: a CRD with x-kubernetes-* schema fields, applied as the engine does, is unchanged', async (t) => {
  const env = await setup(t, 'diff-crd');
  if (env === undefined) return;
  const crd = widgetCrd('diff.gitseal.test', {
    tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
  });
  // The sync engine's own applier: the manifest as JSON, exactly as in Git.
  const applier = createRawApplier(env.kc, { fieldManager: 'gitseal' });
  const live = (await applier.apply(desiredObject(crd as KubeObject, undefined))) as typeof crd;
  const schema = live.spec.versions[0]?.schema.openAPIV3Schema.properties;
  assert.equal(schema?.spec['x-kubernetes-preserve-unknown-fields'], true);
  const folder = await writeFolder('crd-only', { 'crd.yaml': [crd] });
  const result = await runCli([
    'diff',
    '--path',
    folder,
    '-n',
    env.namespace,
    '--kubeconfig',
    env.kubeconfig,
    '--exit-code',
  ]);
  assertSuccess(result);
  assert.match(result.stdout, /^= CustomResourceDefinition widgets\.diff\.gitseal\.test unchanged \(crd\.yaml#0\)$/m);
});

test('diff --prune-label: live objects of that GitSync missing from the folder are "- pruned"', async (t) => {
  const env = await setup(t, 'diff-prune');
  if (env === undefined) return;
  const ns = env.namespace;
  const label = { 'gitseal.dev/sync': `${ns}.app` };
  await applyLive(env, [
    configMap('kept', { a: '1' }, ns, label),
    configMap('orphan', { a: '1' }, ns, label),
    configMap('other-sync', { a: '1' }, ns, { 'gitseal.dev/sync': `${ns}.other` }),
    configMap('unlabelled', { a: '1' }, ns),
    {
      ...configMap('protected', { a: '1' }, ns, label),
      metadata: { name: 'protected', namespace: ns, labels: label, annotations: { 'gitseal.dev/prune': 'false' } },
    },
  ]);
  const folder = await writeFolder('prune', { 'kept.yaml': [configMap('kept', { a: '1' })] });

  const plain = await runCli(['diff', '--path', folder, '-n', ns, '--kubeconfig', env.kubeconfig]);
  assertSuccess(plain);
  assert.ok(!plain.stdout.includes('orphan'), 'without --prune-label live-only objects are not shown');

  const result = await runCli([
    'diff',
    '--path',
    folder,
    '-n',
    ns,
    '--kubeconfig',
    env.kubeconfig,
    '--prune-label',
    `${ns}.app`,
  ]);
  assertSuccess(result);
  const lines = result.stdout.trimEnd().split('\n');
  assert.ok(lines.includes(`= ConfigMap ${ns}/kept unchanged (kept.yaml#0)`), result.stdout);
  assert.ok(lines.includes(`- ConfigMap ${ns}/orphan pruned`), result.stdout);
  assert.ok(lines.includes(`note: not pruned: ConfigMap ${ns}/protected (Disabled)`), result.stdout);
  assert.ok(!result.stdout.includes('other-sync') && !result.stdout.includes('unlabelled'), result.stdout);
  assert.equal(lines.at(-1), '1 object(s) in the folder: 0 to create, 0 to change, 1 unchanged; 1 to prune');

  assertFailure(await runCli(['diff', '--path', folder, '--prune-label', 'no-dot', '--kubeconfig', env.kubeconfig]), {
    code: 2,
    mentions: ['--prune-label', '<namespace>.<name>'],
  });
});

test('diff: invalid YAML, a duplicate object, a rejected object and an unreachable API server', async (t) => {
  const env = await setup(t, 'diff-bad');
  if (env === undefined) return;
  const args = ['-n', env.namespace, '--kubeconfig', env.kubeconfig];
  const password = marker('bad');
  const badYaml = await writeFolder('bad-yaml', {
    'good.yaml': [configMap('fine', { a: '1' })],
    'broken.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\nstringData:\n  pw: ${password}\n  [oops\n`,
  });
  assertFailure(await runCli(['diff', '--path', badYaml, ...args]), {
    code: 1,
    mentions: ['broken.yaml'],
    markers: [password],
  });

  const duplicate = await writeFolder('duplicate', {
    'one.yaml': [configMap('twice', { a: '1' })],
    'two.yaml': [configMap('twice', { a: '2' })],
  });
  assertFailure(await runCli(['diff', '--path', duplicate, ...args]), {
    code: 1,
    mentions: ['two.yaml', `ConfigMap ${env.namespace}/twice`, 'one.yaml'],
  });

  const rejected = await writeFolder('rejected', {
    'bad-secret.yaml': [{ ...secret('Not_Valid', { pw: password }) }],
  });
  assertFailure(await runCli(['diff', '--path', rejected, ...args]), {
    code: 1,
    mentions: ['bad-secret.yaml', 'Secret'],
    markers: [password],
  });

  assertFailure(await runCli(['diff', '--path', join(dir, 'nowhere'), ...args]), {
    code: 1,
    mentions: ['nowhere', 'no such directory'],
  });

  const config = load(await readFile(env.kubeconfig, 'utf8')) as { clusters: { cluster: { server: string } }[] };
  for (const { cluster } of config.clusters) cluster.server = 'https://127.0.0.1:1';
  const unreachable = join(dir, 'unreachable-kubeconfig');
  await writeFile(unreachable, dump(config), { mode: 0o600 });
  const fine = await writeFolder('fine', { 'cm.yaml': [configMap('fine', { a: '1' })] });
  assertFailure(await runCli(['diff', '--path', fine, '-n', env.namespace, '--kubeconfig', unreachable]), {
    code: 3,
    mentions: ['cm.yaml', 'ConfigMap'],
  });
});

test('diff: a chart folder renders as the engine renders it, with the --prune-label GitSync’s spec.helm', async (t) => {
  const env = await setup(t, 'diff-helm');
  if (env === undefined) return;
  const ns = env.namespace;
  await installCrd(env.kc, crdPath('gitsyncs.gitseal.dev.yaml'));
  const helm = await resolveHelmBinary();
  const cliEnv = { PATH: `${dirname(helm)}:${process.env['PATH'] ?? ''}` };
  const folder = await writeFolder('chart', {
    'Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 0.3.0\n',
    'values.yaml': 'color: blue\nsize: small\n',
  });
  await mkdir(join(folder, 'templates'), { recursive: true });
  await writeFile(
    join(folder, 'templates', 'settings.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\n' +
      'data:\n  color: {{ .Values.color | quote }}\n  size: {{ .Values.size | quote }}\n' +
      '  ns: {{ .Release.Namespace | quote }}\n',
  );
  // The GitSync whose spec.helm the diff uses: its valuesFrom ConfigMap read with the caller's rights.
  const objects = createRawApplier(env.kc, { fieldManager: 'test' });
  await objects.apply({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'shop-values', namespace: ns },
    data: { 'values.yaml': 'size: large\n' },
  });
  await objects.apply({
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'GitSync',
    metadata: { name: 'shop', namespace: ns },
    spec: {
      source: { url: 'https://git.example.invalid/shop.git', path: 'chart' },
      helm: {
        releaseName: 'web',
        values: { color: 'green' },
        valuesFrom: [{ kind: 'ConfigMap', name: 'shop-values' }],
      },
    },
  });
  await applyLive(env, [configMap('web-settings', { color: 'blue', size: 'large', ns }, ns)]);

  const result = await runCli(
    ['diff', '--path', folder, '-n', ns, '--kubeconfig', env.kubeconfig, '--prune-label', `${ns}.shop`],
    { env: cliEnv },
  );
  assertSuccess(result);
  assert.match(
    result.stdout,
    new RegExp(`~ ConfigMap ${ns}/web-settings changed \\(shop/templates/settings\\.yaml#0\\)`),
  );
  assert.match(result.stdout, /- data\.color: "blue"\n +\+ data\.color: "green"\n/, 'inline values over the chart’s');
  assert.doesNotMatch(result.stdout, /size/, 'size comes from valuesFrom (large), as live: unchanged');

  // Without a GitSync: Helm's defaults, the folder's name as the release name.
  const plain = await runCli(['diff', '--path', folder, '-n', ns, '--kubeconfig', env.kubeconfig], { env: cliEnv });
  assertSuccess(plain);
  assert.match(
    plain.stdout,
    new RegExp(`\\+ ConfigMap ${ns}/chart-settings created \\(shop/templates/settings\\.yaml#0\\)`),
  );

  // A template error: one line naming the template, exit 1.
  await writeFile(join(folder, 'templates', 'bad.yaml'), '{{ required "image.tag is required" .Values.image }}\n');
  assertFailure(await runCli(['diff', '--path', folder, '-n', ns, '--kubeconfig', env.kubeconfig], { env: cliEnv }), {
    code: 1,
    mentions: ['helm template failed', 'shop/templates/bad.yaml', 'image.tag is required'],
  });
});
