// The sealing-key backup users rely on, proven end to end on the real kube-apiserver + etcd with gitseal-controller
// as a process: `gitseal keys backup` → the controller namespace is deleted and the controller stopped → `gitseal
// keys restore` → the controller starts again, every SealedSecret opens (gitseal's own key, an imported Bitnami key,
// a decrypt-only key) and no extra key is made. The same file is read by Bitnami's real kubeseal
// (--recovery-private-key) and by `gitseal unseal`. The plain kubectl recipe of docs/install.md is run as written.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { dump, loadAll } from 'js-yaml';
import { Envelope } from '@gitseal/crypto';
import { resolveKubesealBinary } from '../cluster/kubeseal-binary.js';
import { crdPath, createTestNamespace, installCrd, kubeConfigFor, sharedControlPlane } from '../support/index.js';
import {
  assertFailure,
  assertNoMarkers,
  makeTempDir,
  marker,
  loadVectorKeys,
  REPO_ROOT,
  runCli,
  type CliResult,
} from './cli-harness.js';
import {
  allControllerOutput,
  b64,
  Cluster,
  condition,
  sealItems,
  startControllerProcess,
  stopAllControllers,
  waitFor,
  type ControllerProcess,
  type SealedSecretObject,
} from './controller-harness.js';

const KEY_LABEL = 'gitseal.dev/sealing-key';
const BITNAMI_KEY_LABEL = 'sealedsecrets.bitnami.com/sealed-secrets-key';
const plane = sharedControlPlane();
const markers: string[] = [];
/** Slices of every private key's base64: key material must never reach the CLI's stdout or stderr. */
const keyMaterial: string[] = [];
const cliOutput: string[] = [];

interface Story {
  kubeconfig: string;
  dir: string;
  controllerNs: string;
  workNs: string;
  /** Key Secret name → its label (name=value) and tls.crt. */
  keys: Map<string, { label: string; value: string; crt: string }>;
  /** The SealedSecrets of the story and the Secret data each must produce. */
  sealed: { object: SealedSecretObject; data: Record<string, string> }[];
  sealingCert: string;
}

let cluster: Cluster;
let temp: { dir: string; cleanup: () => Promise<void> };
let setup: Promise<Story> | undefined;

after(async () => {
  await stopAllControllers();
  await temp?.cleanup();
  assertNoMarkers(allControllerOutput(), markers, 'controller output');
  const cli = cliOutput.join('\n');
  assertNoMarkers(cli, markers, 'CLI output');
  for (const slice of keyMaterial) assert.ok(!cli.includes(slice), 'CLI output holds private key material');
});

async function cli(args: readonly string[]): Promise<CliResult> {
  const result = await runCli(args);
  cliOutput.push(result.stdout, result.stderr);
  return result;
}

function startController(story: Pick<Story, 'kubeconfig' | 'controllerNs' | 'workNs'>): Promise<ControllerProcess> {
  return startControllerProcess(story.kubeconfig, [
    '--namespace',
    story.controllerNs,
    '--namespaces',
    story.workNs,
    '--bitnami-compat',
    '--key-size',
    '2048',
    '--rsa-workers',
    '1',
    '--key-renew-period',
    '0',
  ]);
}

/** Every key Secret of the namespace (either label) by name, with its key label. */
async function keySecretsIn(namespace: string): Promise<Map<string, { label: string; value: string; crt: string }>> {
  const out = new Map<string, { label: string; value: string; crt: string }>();
  for (const label of [KEY_LABEL, BITNAMI_KEY_LABEL]) {
    for (const s of (await cluster.core.listNamespacedSecret({ namespace, labelSelector: label })).items) {
      out.set(s.metadata?.name ?? '', {
        label,
        value: s.metadata?.labels?.[label] ?? '',
        crt: s.data?.['tls.crt'] ?? '',
      });
      keyMaterial.push((s.data?.['tls.key'] ?? '').slice(120, 180));
    }
  }
  return out;
}

async function createKeySecret(namespace: string, name: string, labels: Record<string, string>, pem: KeyPem) {
  await cluster.core.createNamespacedSecret({
    namespace,
    body: {
      metadata: { name, labels },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': b64(pem.certPem), 'tls.key': b64(pem.keyPem) },
    },
  });
}

interface KeyPem {
  readonly certPem: string;
  readonly keyPem: string;
}

async function keygen(name: string): Promise<KeyPem> {
  const [keyPath, certPath] = [join(temp.dir, `${name}.key`), join(temp.dir, `${name}.crt`)];
  const result = await cli(['keygen', '--bits', '2048', '--out-key', keyPath, '--out-cert', certPath]);
  assert.equal(result.code, 0, result.stderr);
  return { certPem: await readFile(certPath, 'utf8'), keyPem: await readFile(keyPath, 'utf8') };
}

function sealedObject(
  apiVersion: string,
  namespace: string,
  name: string,
  certPem: string,
  envelope: Envelope,
): { object: SealedSecretObject; data: Record<string, string> } {
  const value = marker(name);
  markers.push(value);
  const encryptedData = sealItems(certPem, 'strict', namespace, name, { value }, envelope);
  return { object: Cluster.sealedSecret(namespace, name, encryptedData, apiVersion), data: { value: b64(value) } };
}

async function allOpen(story: Story): Promise<void> {
  for (const { object, data } of story.sealed) {
    await cluster.waitSecretData(object.metadata.namespace, object.metadata.name, data, 60_000);
    await cluster.waitStatus(
      object.metadata.namespace,
      object.metadata.name,
      (o) => condition(o, 'Synced')?.status === 'True',
      object.apiVersion,
    );
  }
}

/**
 * The story's cluster: a controller in --bitnami-compat that made its own key, an imported Bitnami key (label value
 * empty, which Bitnami treats as active), a retired `decrypt-only` key, an unrelated TLS Secret, and one SealedSecret
 * per key (gitseal.dev and bitnami.com), all open.
 */
function ready(t: TestContext): Promise<Story> | undefined {
  const cp = plane.use(t);
  if (!cp) return undefined;
  setup ??= (async () => {
    cluster = new Cluster(kubeConfigFor(cp.kubeconfigPath));
    await installCrd(cluster.kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
    await installCrd(cluster.kc, crdPath('compat/sealedsecrets.bitnami.com.yaml'));
    temp = await makeTempDir();
    const story: Story = {
      kubeconfig: cp.kubeconfigPath,
      dir: temp.dir,
      controllerNs: await createTestNamespace(cluster.kc, 'gitseal-keys'),
      workNs: await createTestNamespace(cluster.kc, 'apps'),
      keys: new Map(),
      sealed: [],
      sealingCert: '',
    };
    const controller = await startController(story);
    story.sealingCert = await (await fetch(`${controller.api}/v1/cert.pem`)).text();
    const key1 = (await loadVectorKeys()).find((k) => k.name === 'key1');
    assert.ok(key1);
    await createKeySecret(story.controllerNs, 'sealed-secrets-key7xk2p', { [BITNAMI_KEY_LABEL]: '' }, key1);
    const retired = await keygen('retired');
    await createKeySecret(story.controllerNs, 'retired-key', { [KEY_LABEL]: 'decrypt-only' }, retired);
    const webhook = await keygen('webhook');
    await createKeySecret(story.controllerNs, 'webhook-tls', {}, webhook); // a TLS Secret that is no sealing key
    const ns = story.workNs;
    story.sealed.push(
      sealedObject('gitseal.dev/v1alpha1', ns, 'own-key-v2', story.sealingCert, Envelope.V2),
      sealedObject('bitnami.com/v1alpha1', ns, 'own-key-v1', story.sealingCert, Envelope.V1),
      sealedObject('bitnami.com/v1alpha1', ns, 'bitnami-key', key1.certPem, Envelope.V1),
      sealedObject('gitseal.dev/v1alpha1', ns, 'retired-key', retired.certPem, Envelope.V2),
    );
    for (const { object } of story.sealed) await cluster.createSealed(object);
    await allOpen(story);
    story.keys = await keySecretsIn(story.controllerNs);
    assert.equal(story.keys.size, 3, 'the generated key, the Bitnami key and the retired key');
    assert.equal(await controller.stop(), 0);
    return story;
  })();
  return setup;
}

/**
 * Deletes a namespace as a cluster does: the API-only control plane has no namespace controller, so the test does
 * its part (delete the contents, then remove the `kubernetes` finalizer) and waits until the namespace is gone.
 */
async function deleteNamespace(namespace: string): Promise<void> {
  await cluster.core.deleteNamespace({ name: namespace });
  await cluster.core.deleteCollectionNamespacedSecret({ namespace });
  await cluster.core.deleteCollectionNamespacedConfigMap({ namespace });
  const live = await cluster.core.readNamespace({ name: namespace });
  await cluster.core.replaceNamespaceFinalize({ name: namespace, body: { ...live, spec: { finalizers: [] } } });
  await waitFor(`namespace ${namespace} gone`, async () => {
    try {
      await cluster.core.readNamespace({ name: namespace });
      return false;
    } catch (error) {
      return (error as { code?: number }).code === 404;
    }
  });
}

/** Wipe: the controller is stopped already; its namespace goes, and so do the Secrets it had made from Git. */
async function wipe(story: Story): Promise<void> {
  await deleteNamespace(story.controllerNs);
  for (const { object } of story.sealed) {
    await cluster.core.deleteNamespacedSecret({ namespace: object.metadata.namespace, name: object.metadata.name });
  }
  assert.equal((await keySecretsIn(story.controllerNs)).size, 0, 'no key survived the wipe');
}

/** The first step of every documented restore: the controller namespace again, and nothing in it. */
async function recreateNamespace(story: Story): Promise<void> {
  await cluster.core.createNamespace({ body: { metadata: { name: story.controllerNs } } });
  assert.equal((await cluster.core.listNamespacedSecret({ namespace: story.controllerNs })).items.length, 0);
}

/** After a restore: the controller opens every SealedSecret again, seals with the same key, and made no key. */
async function assertRecovered(story: Story): Promise<void> {
  const controller = await startController(story);
  await allOpen(story);
  assert.equal(await (await fetch(`${controller.api}/v1/cert.pem`)).text(), story.sealingCert, 'same sealing key');
  const keys = await keySecretsIn(story.controllerNs);
  assert.deepEqual([...keys.keys()].sort(), [...story.keys.keys()].sort(), 'no extra key was made');
  for (const [name, key] of story.keys) assert.deepEqual(keys.get(name), key, `Secret ${name}: same label and cert`);
  assert.equal(await controller.stop(), 0);
}

async function kubeseal(args: readonly string[], input: string): Promise<CliResult> {
  const binary = await resolveKubesealBinary();
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      env: { ...process.env, KUBECONFIG: '/nonexistent/kubeconfig' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** `gitseal unseal` opens every SealedSecret of the story with the file; Bitnami's kubeseal the bitnami.com ones. */
async function assertFileOpensEverything(story: Story, file: string): Promise<void> {
  for (const { object, data } of story.sealed) {
    const manifest = join(story.dir, `${object.metadata.name}.sealed.yaml`);
    await writeFile(manifest, dump(object));
    const unsealed = await runCli(['unseal', '--private-key', file, '-f', manifest, '-o', 'json']);
    assert.equal(unsealed.code, 0, unsealed.stderr);
    assert.deepEqual((JSON.parse(unsealed.stdout) as { data: unknown }).data, data, `unseal ${object.metadata.name}`);
    if (object.apiVersion !== 'bitnami.com/v1alpha1') continue;
    const opened = await kubeseal(['--recovery-unseal', '--recovery-private-key', file, '-o', 'json'], dump(object));
    assert.equal(opened.code, 0, `kubeseal --recovery-unseal ${object.metadata.name}: ${opened.stderr}`);
    assert.deepEqual((JSON.parse(opened.stdout) as { data: unknown }).data, data, `kubeseal ${object.metadata.name}`);
  }
}

/** The file is ONE document, a v1 List of exactly the story's key Secrets. */
async function assertOneList(story: Story, file: string): Promise<void> {
  const documents = loadAll(await readFile(file, 'utf8')).filter((d) => d !== null) as {
    kind: string;
    items: { kind: string; metadata: { name: string } }[];
  }[];
  assert.equal(documents.length, 1, 'one YAML document');
  assert.equal(documents[0]?.kind, 'List');
  assert.deepEqual(documents[0]?.items.map((i) => i.metadata.name).sort(), [...story.keys.keys()].sort());
  assert.equal((await stat(file)).mode & 0o777, 0o600, 'mode 0600');
}

test('keys backup → namespace and controller gone → keys restore: everything opens, no extra key', async (t) => {
  const story = await ready(t);
  if (!story) return;
  const file = join(story.dir, 'gitseal-keys.backup.yaml');
  await writeFile(file, 'an older backup\n', { mode: 0o644 }); // replaced, and the new file is 0600 all the same
  const backup = await cli([
    'keys',
    'backup',
    '-o',
    file,
    '--controller-namespace',
    story.controllerNs,
    '--kubeconfig',
    story.kubeconfig,
  ]);
  assert.equal(backup.code, 0, backup.stderr);
  assert.match(backup.stderr, /^gitseal: wrote 3 sealing keys \(2 gitseal, 1 Bitnami\) to .* \(mode 0600\)\. WARNING/);
  assert.equal(backup.stderr.split('\n').length, 2, 'one stderr line');
  for (const name of story.keys.keys()) assert.match(backup.stdout, new RegExp(`^${name} `, 'm'));
  assert.doesNotMatch(backup.stdout, /webhook-tls/);
  await assertOneList(story, file);
  await assertFileOpensEverything(story, file);

  await wipe(story);
  const restoreArgs = ['keys', 'restore', '-f', file, '--controller-namespace', story.controllerNs];
  const missing = await cli([...restoreArgs, '--kubeconfig', story.kubeconfig]);
  assertFailure(missing, { mentions: [`namespace ${story.controllerNs} not found: create it first`] });
  await recreateNamespace(story);
  const restored = await cli([...restoreArgs, '--kubeconfig', story.kubeconfig]);
  assert.equal(restored.code, 0, restored.stderr);
  assert.equal(restored.stderr, '');
  assert.equal(restored.stdout.match(/^created Secret /gm)?.length, 3, restored.stdout);
  const again = await cli([...restoreArgs, '--kubeconfig', story.kubeconfig]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout.match(/^unchanged Secret /gm)?.length, 3, 'a second restore changes nothing');
  await assertRecovered(story);
});

test('keys restore refuses a Secret of the same name with other content before writing; backup refuses 0 keys', async (t) => {
  const story = await ready(t);
  if (!story) return;
  const file = join(story.dir, 'conflict.backup.yaml');
  const args = ['--controller-namespace', story.controllerNs, '--kubeconfig', story.kubeconfig];
  assert.equal((await cli(['keys', 'backup', '-o', file, ...args])).code, 0);

  const target = await createTestNamespace(cluster.kc, 'gitseal-other');
  const [firstName] = [...story.keys.keys()].sort();
  assert.ok(firstName);
  await createKeySecret(target, firstName, { [KEY_LABEL]: 'active' }, await keygen('impostor'));
  const refused = await cli(['keys', 'restore', '-f', file, '--controller-namespace', target, ...args.slice(2)]);
  assertFailure(refused, {
    mentions: [`Secret ${target}/${firstName} already exists with different content`, 'nothing restored'],
    markers,
  });
  assert.deepEqual([...(await keySecretsIn(target)).keys()], [firstName], 'nothing else was created');

  const empty = await createTestNamespace(cluster.kc, 'gitseal-empty');
  const none = join(story.dir, 'none.yaml');
  assertFailure(await cli(['keys', 'backup', '-o', none, '--controller-namespace', empty, ...args.slice(2)]), {
    mentions: [`no sealing keys in namespace ${empty}`, 'nothing written'],
  });
  await assert.rejects(stat(join(story.dir, 'none.yaml')), 'no file is written without keys');
});

/** The fenced block after `<!-- marker -->` in docs/install.md. */
async function docsBlock(markerName: string): Promise<string> {
  const text = await readFile(join(REPO_ROOT, 'docs', 'install.md'), 'utf8');
  const at = text.indexOf(`<!-- ${markerName} -->`);
  assert.ok(at >= 0, `docs/install.md has <!-- ${markerName} -->`);
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(at));
  assert.ok(block?.[1], `a sh block after <!-- ${markerName} -->`);
  return block[1];
}

/** Runs a docs recipe in `dir` with bash (-e, pipefail), the namespace swapped for the test's. */
async function runRecipe(script: string, story: Story): Promise<CliResult> {
  assert.match(script, /gitseal-system/);
  const body = script.replaceAll('gitseal-system', story.controllerNs);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', body], {
      cwd: story.dir,
      env: { ...process.env, KUBECONFIG: story.kubeconfig },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('the plain kubectl recipe of docs/install.md: one List, opens everything, restores with kubectl', async (t) => {
  const story = await ready(t);
  if (!story) return;
  const backup = await runRecipe(await docsBlock('key-backup-kubectl'), story);
  assert.equal(backup.code, 0, backup.stderr);
  assert.equal(backup.stdout.trim(), '3', 'the recipe prints how many keys it saved');
  const file = join(story.dir, 'gitseal-keys.backup.yaml');
  await assertOneList(story, file);
  await assertFileOpensEverything(story, file);

  await wipe(story);
  const restored = await runRecipe(await docsBlock('key-restore-kubectl'), story);
  assert.equal(restored.code, 0, restored.stderr);
  await assertRecovered(story);
});
