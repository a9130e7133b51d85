// gitseal-controller --bitnami-compat against the real kube-apiserver + etcd: a Bitnami key Secret is imported,
// bitnami.com/v1alpha1 SealedSecrets from the interop vectors become their exact Secrets, and what
// `gitseal seal --api-version bitnami.com/v1alpha1` writes opens too.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { load } from 'js-yaml';
import { Envelope, inspectSealedValue } from '@gitseal/crypto';
import { crdPath, createTestNamespace, installCrd, kubeConfigFor, sharedControlPlane } from '../support/index.js';
import {
  assertNoMarkers,
  assertSuccess,
  certLine,
  makeTempDir,
  marker,
  loadVectorCases,
  loadVectorKeys,
  runCli,
  type VectorCase,
} from './cli-harness.js';
import {
  allControllerOutput,
  b64,
  Cluster,
  condition,
  metricValue,
  startControllerProcess,
  stopAllControllers,
  type ControllerProcess,
  type SealedSecretObject,
} from './controller-harness.js';

const BITNAMI = 'bitnami.com/v1alpha1';
const BITNAMI_KEY_LABEL = 'sealedsecrets.bitnami.com/sealed-secrets-key';
const plane = sharedControlPlane();
const markers: string[] = [];

let cluster: Cluster;
let kubeconfigPath: string;
let controller: ControllerProcess;
let controllerNs: string;
let cases: VectorCase[];
let setup: Promise<void> | undefined;

/** One controller for the file: Bitnami key key1 imported first, so it is the only (and sealing) key. */
async function ready(t: TestContext): Promise<boolean> {
  const cp = plane.use(t);
  if (!cp) return false;
  setup ??= (async () => {
    kubeconfigPath = cp.kubeconfigPath;
    const kc = kubeConfigFor(kubeconfigPath);
    cluster = new Cluster(kc);
    await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
    await installCrd(kc, crdPath('compat/sealedsecrets.bitnami.com.yaml'));
    controllerNs = await createTestNamespace(kc, 'kube-system-like');
    const key1 = (await loadVectorKeys()).find((k) => k.name === 'key1');
    assert.ok(key1);
    await cluster.core.createNamespacedSecret({
      namespace: controllerNs,
      body: {
        metadata: { name: 'sealed-secrets-keyabcde', labels: { [BITNAMI_KEY_LABEL]: 'active' } },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': b64(key1.certPem), 'tls.key': b64(key1.keyPem) },
      },
    });
    cases = await loadVectorCases();
    for (const c of cases) {
      for (const value of Object.values(c.plaintextBase64)) {
        const text = Buffer.from(value, 'base64').toString('utf8');
        if (text.length >= 8 && /^[\x20-\x7e]+$/.test(text)) markers.push(text);
      }
    }
    controller = await startControllerProcess(kubeconfigPath, [
      '--namespace',
      controllerNs,
      '--bitnami-compat',
      '--key-size',
      '2048',
      '--rsa-workers',
      '1',
    ]);
  })();
  await setup;
  return true;
}

after(async () => {
  await stopAllControllers();
  assertNoMarkers(allControllerOutput(), markers, 'controller output');
});

function bitnamiObject(c: VectorCase): SealedSecretObject {
  const annotations: Record<string, string> =
    c.scope === 'namespace-wide'
      ? { 'sealedsecrets.bitnami.com/namespace-wide': 'true' }
      : c.scope === 'cluster-wide'
        ? { 'sealedsecrets.bitnami.com/cluster-wide': 'true' }
        : {};
  return {
    apiVersion: BITNAMI,
    kind: 'SealedSecret',
    metadata: { name: c.name, namespace: c.namespace, annotations },
    spec: { encryptedData: c.encryptedData, template: { metadata: { annotations } } },
  };
}

async function ensureNamespace(name: string): Promise<void> {
  await cluster.core.createNamespace({ body: { metadata: { name } } }).catch((error: unknown) => {
    if ((error as { code?: number }).code !== 409) throw error;
  });
}

test('the Bitnami key Secret is imported and is the sealing key; no gitseal key is made', async (t) => {
  if (!(await ready(t))) return;
  const key1 = (await loadVectorKeys()).find((k) => k.name === 'key1');
  assert.equal((await (await fetch(`${controller.api}/v1/cert.pem`)).text()).trim(), key1?.certPem.trim());
  const own = await cluster.core.listNamespacedSecret({
    namespace: controllerNs,
    labelSelector: 'gitseal.dev/sealing-key',
  });
  assert.equal(own.items.length, 0);
  assert.equal(await metricValue(controller, 'gitseal_keys', '{state="active"}'), 1);
});

test('bitnami.com/v1alpha1 SealedSecrets from the vectors yield their exact Secrets, or Synced=False', async (t) => {
  if (!(await ready(t))) return;
  const picked = ['strict-basic', 'namespace-wide', 'binary-and-empty', 'moved-namespace'];
  for (const id of picked) {
    const c = cases.find((v) => v.id === id);
    assert.ok(c, id);
    await ensureNamespace(c.namespace);
    const created = await cluster.createSealed(bitnamiObject(c));
    const status = await cluster.waitStatus(c.namespace, c.name, (o) => condition(o, 'Synced') !== undefined, BITNAMI);
    const synced = condition(status, 'Synced');
    if (c.expect === 'ok') {
      assert.equal(synced?.status, 'True', `${id}: ${synced?.message ?? ''}`);
      const secret = await cluster.waitSecretData(c.namespace, c.name, c.plaintextBase64);
      const owner = secret.metadata?.ownerReferences?.[0];
      assert.equal(owner?.apiVersion, BITNAMI, id);
      assert.equal(owner?.uid, created.metadata.uid, id);
    } else {
      assert.equal(synced?.status, 'False', id);
      assert.equal(synced?.reason, 'UnsealFailed', id);
      assert.equal(await cluster.readSecret(c.namespace, c.name), undefined, `${id}: no Secret`);
    }
  }
});

test('`gitseal seal --api-version bitnami.com/v1alpha1` with the controller certificate: v1 values that open', async (t) => {
  if (!(await ready(t))) return;
  const namespace = await createTestNamespace(cluster.kc, 'apps');
  const temp = await makeTempDir();
  t.after(() => temp.cleanup());
  const password = marker('bitnami-password');
  markers.push(password);
  const secretFile = join(temp.dir, 'secret.yaml');
  await writeFile(
    secretFile,
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: from-cli\n  namespace: ${namespace}\n` +
      `  annotations:\n    sealedsecrets.bitnami.com/namespace-wide: "true"\nstringData:\n  password: ${password}\n`,
  );
  // The served certificate is read before and after: under load the key set may still be settling (imported
  // Bitnami keys), and the CLI must name whichever one it sealed to.
  const before = await (await fetch(`${controller.api}/v1/cert.pem`)).text();
  const result = await runCli([
    'seal',
    '--api-version',
    BITNAMI,
    '--cert',
    `${controller.api}/v1/cert.pem`,
    '--insecure-http',
    '-f',
    secretFile,
  ]);
  const after = await (await fetch(`${controller.api}/v1/cert.pem`)).text();
  const from = `${new URL(controller.api).host}/v1/cert.pem`;
  const served = result.stderr.trim() === certLine('sealing to certificate', before, from) ? before : after;
  assertSuccess(result, [certLine('sealing to certificate', served, from)]);
  assertNoMarkers(result.stdout + result.stderr, [password], 'CLI output');
  const sealed = load(result.stdout) as SealedSecretObject;
  assert.equal(sealed.apiVersion, BITNAMI);
  assert.equal(inspectSealedValue(sealed.spec.encryptedData.password ?? '').envelope, Envelope.V1);
  // Renamed within its namespace: namespace-wide scope still opens.
  sealed.metadata.name = 'renamed';
  await cluster.createSealed(sealed);
  await cluster.waitSecretData(namespace, 'renamed', { password: b64(password) });
  const status = await cluster.waitStatus(namespace, 'renamed', (o) => condition(o, 'Synced') !== undefined, BITNAMI);
  assert.equal(condition(status, 'Synced')?.status, 'True');
});
