// The sealing-key lifecycle of a running gitseal-controller against the real kube-apiserver + etcd: renewal,
// bring-your-own keys from `gitseal keygen`, keys marked compromised, deleted keys, and `gitseal seal` fetching
// the certificate from the running controller (the gitseal-certs ConfigMap) with nothing but a kubeconfig.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test, type TestContext } from 'node:test';
import { load } from 'js-yaml';
import { Envelope, inspectSealedValue, parseCertificate, type CertificateInfo } from '@gitseal/crypto';
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { NON_ADMIN_USER } from '../cluster/index.js';
import { crdPath, createTestNamespace, installCrd, kubeConfigFor, sharedControlPlane } from '../support/index.js';
import { assertNoMarkers, assertSuccess, certLine, makeTempDir, marker, runCli } from './cli-harness.js';
import {
  allControllerOutput,
  b64,
  Cluster,
  condition,
  metricValue,
  sealItems,
  startControllerProcess,
  stopAllControllers,
  waitFor,
  type ControllerProcess,
  type SealedSecretObject,
} from './controller-harness.js';

const plane = sharedControlPlane();
const markers: string[] = [];
const cliOutput: string[] = [];
const KEY_LABEL = 'gitseal.dev/sealing-key';

let cluster: Cluster;
let kubeconfigPath: string;
let userKubeconfigPath: string;
let setup: Promise<void> | undefined;
let temp: { dir: string; cleanup: () => Promise<void> };

async function ready(t: TestContext): Promise<boolean> {
  const cp = plane.use(t);
  if (!cp) return false;
  setup ??= (async () => {
    kubeconfigPath = cp.kubeconfigPath;
    userKubeconfigPath = cp.userKubeconfigPath;
    const kc = kubeConfigFor(kubeconfigPath);
    cluster = new Cluster(kc);
    await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
    temp = await makeTempDir();
  })();
  await setup;
  return true;
}

after(async () => {
  await stopAllControllers();
  await temp?.cleanup();
  assertNoMarkers(allControllerOutput(), markers, 'controller output');
  assertNoMarkers(cliOutput.join('\n'), markers, 'CLI stderr');
});

function startController(controllerNs: string, workNs: string, renewPeriod: string): Promise<ControllerProcess> {
  return startControllerProcess(kubeconfigPath, [
    '--namespace',
    controllerNs,
    '--namespaces',
    workNs,
    '--key-size',
    '2048',
    '--rsa-workers',
    '1',
    '--key-renew-period',
    renewPeriod,
  ]);
}

async function certOf(controller: ControllerProcess): Promise<string> {
  const res = await fetch(`${controller.api}/v1/cert.pem`);
  assert.equal(res.status, 200);
  return res.text();
}

interface KeySecretView {
  readonly name: string;
  readonly state: string;
  readonly cert: CertificateInfo;
  readonly certPem: string;
}

async function keySecrets(namespace: string): Promise<KeySecretView[]> {
  const list = await cluster.core.listNamespacedSecret({ namespace, labelSelector: KEY_LABEL });
  return list.items.map((s) => {
    const certPem = Buffer.from(s.data?.['tls.crt'] ?? '', 'base64').toString('utf8');
    return {
      name: s.metadata?.name ?? '',
      state: s.metadata?.labels?.[KEY_LABEL] ?? '',
      cert: parseCertificate(certPem),
      certPem,
    };
  });
}

interface CertsConfigMapView {
  readonly data: Record<string, string>;
  readonly listed: { keyId: string; state: string; sealing: boolean }[];
}

async function certsConfigMap(namespace: string): Promise<CertsConfigMapView | undefined> {
  const cm = await cluster.core.readNamespacedConfigMap({ namespace, name: 'gitseal-certs' }).catch(() => undefined);
  if (!cm?.data) return undefined;
  return { data: cm.data, listed: JSON.parse(cm.data['certs.json'] ?? '[]') as CertsConfigMapView['listed'] };
}

/** A key pair made by the real CLI (`gitseal keygen --bits 2048`), stored as a labelled kubernetes.io/tls Secret. */
async function importKeygenKey(namespace: string, name: string, state: string): Promise<CertificateInfo> {
  const keyPath = join(temp.dir, `${name}.key`);
  const certPath = join(temp.dir, `${name}.crt`);
  const result = await runCli(['keygen', '--bits', '2048', '--out-key', keyPath, '--out-cert', certPath]);
  assertSuccess(result);
  const certPem = await readFile(certPath, 'utf8');
  await cluster.core.createNamespacedSecret({
    namespace,
    body: {
      metadata: { name, labels: { [KEY_LABEL]: state } },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': b64(certPem), 'tls.key': b64(await readFile(keyPath)) },
    },
  });
  return parseCertificate(certPem);
}

/** Seals a v1 and a v2 item to `certPem`, creates the SealedSecret and waits for its exact Secret. */
async function unsealsWith(namespace: string, name: string, certPem: string): Promise<SealedSecretObject> {
  const v1 = marker('v1');
  const v2 = marker('v2');
  markers.push(v1, v2);
  const encryptedData = {
    ...sealItems(certPem, 'strict', namespace, name, { old: v1 }, Envelope.V1),
    ...sealItems(certPem, 'strict', namespace, name, { new: v2 }, Envelope.V2),
  };
  await cluster.createSealed(Cluster.sealedSecret(namespace, name, encryptedData));
  await cluster.waitSecretData(namespace, name, { old: b64(v1), new: b64(v2) });
  return cluster.waitStatus(namespace, name, (o) => condition(o, 'Synced')?.status === 'True');
}

/** Waits until a second is over since `notBefore`: X.509 times have whole seconds, and newer must mean newer. */
async function afterSecondOf(info: CertificateInfo): Promise<void> {
  await waitFor('the next second', async () => Date.now() >= info.notBefore.getTime() + 1_100, 5_000, 50);
}

test('renewal: a new key Secret appears, it seals, the ConfigMap lists every key, old-key objects still unseal', async (t) => {
  if (!(await ready(t))) return;
  const controllerNs = await createTestNamespace(cluster.kc, 'gitseal-renew');
  const workNs = await createTestNamespace(cluster.kc, 'apps');
  const controller = await startController(controllerNs, workNs, '3s');
  const first = await certOf(controller);
  const firstInfo = parseCertificate(first);
  const before = await unsealsWith(workNs, 'before', first);
  assert.equal(before.status?.keyFingerprint, firstInfo.fingerprint);

  const renewed = await waitFor('a renewed key', async () => {
    const keys = await keySecrets(controllerNs);
    return keys.length >= 2 ? keys : undefined;
  });
  assert.ok(renewed.every((k) => k.state === 'active' && /^gitseal-key-/.test(k.name)));
  // Renewal keeps going every 3 s: check on a consistent snapshot of key Secrets, /v1/cert.pem and the ConfigMap.
  const snapshot = await waitFor('cert.pem and gitseal-certs on the newest key', async () => {
    const keys = await keySecrets(controllerNs);
    const newest = [...keys].sort((a, b) => b.cert.notBefore.getTime() - a.cert.notBefore.getTime())[0];
    const served = await certOf(controller);
    const configMap = await certsConfigMap(controllerNs);
    const same = (ids: string[]) => JSON.stringify([...ids].sort());
    if (!newest || newest.cert.notBefore.getTime() === keys[1]?.cert.notBefore.getTime()) return undefined;
    if (served !== newest.certPem || configMap?.data['cert.pem'] !== served) return undefined;
    if (same(configMap.listed.map((l) => l.keyId)) !== same(keys.map((k) => k.cert.keyId))) return undefined;
    return { keys, newest, configMap };
  });
  const { newest, configMap } = snapshot;
  assert.notEqual(newest.cert.keyId, firstInfo.keyId);
  assert.equal(configMap.data[`${firstInfo.keyId}.pem`], first, 'the old certificate stays listed');
  assert.equal(configMap.data[`${newest.cert.keyId}.pem`], newest.certPem);
  assert.deepEqual(
    configMap.listed.filter((l) => l.sealing).map((l) => l.keyId),
    [newest.cert.keyId],
  );
  assert.ok(snapshot.keys.length >= 2);

  // Old-key objects still unseal: the Secret made before renewal is restored, and a new one sealed to the old key opens.
  await cluster.core.deleteNamespacedSecret({ namespace: workNs, name: 'before' });
  await waitFor('restored with the old key', async () => (await cluster.readSecret(workNs, 'before'))?.data?.old);
  const late = await unsealsWith(workNs, 'late-old-key', first);
  assert.equal(late.status?.keyFingerprint, firstInfo.fingerprint);
  const fresh = await unsealsWith(workNs, 'new-key', newest.certPem);
  assert.notEqual(fresh.status?.keyFingerprint, firstInfo.fingerprint);
  assert.ok((await metricValue(controller, 'gitseal_keys', '{state="active"}')) >= 2);
  assert.equal(await controller.stop(), 0);
});

// The next tests are one story on one controller (renewal off): its key namespace and the work namespace it watches.
interface Shared {
  readonly controller: ControllerProcess;
  readonly controllerNs: string;
  readonly generatedPem: string;
  readonly generated: CertificateInfo;
}
let shared: Shared | undefined;

async function sharedController(workNs: string): Promise<Shared> {
  if (shared) return shared;
  const controllerNs = await createTestNamespace(cluster.kc, 'gitseal-keys');
  const controller = await startController(controllerNs, workNs, '0');
  const generatedPem = await certOf(controller);
  shared = { controller, controllerNs, generatedPem, generated: parseCertificate(generatedPem) };
  return shared;
}

let sharedWorkNs = '';

test('bring your own key: a `gitseal keygen` key Secret is picked up live and seals, being the newest', async (t) => {
  if (!(await ready(t))) return;
  sharedWorkNs = await createTestNamespace(cluster.kc, 'keys');
  const { controller, controllerNs, generated, generatedPem } = await sharedController(sharedWorkNs);
  await afterSecondOf(generated);
  const own = await importKeygenKey(controllerNs, 'my-own-key', 'active');
  assert.ok(own.notBefore > generated.notBefore);
  const served = await waitFor('the own key seals', async () => {
    const pem = await certOf(controller);
    return parseCertificate(pem).keyId === own.keyId ? pem : undefined;
  });
  const configMap = await waitFor('gitseal-certs updated', async () => {
    const cm = await certsConfigMap(controllerNs);
    return cm?.data['cert.pem'] === served ? cm : undefined;
  });
  assert.deepEqual(
    configMap.listed.map((l) => `${l.keyId}:${l.state}:${l.sealing}`).sort(),
    [`${generated.keyId}:active:false`, `${own.keyId}:active:true`].sort(),
  );
  assert.equal(controller.child.exitCode, null, 'no restart');
  const object = await unsealsWith(sharedWorkNs, 'own-key', served);
  assert.equal(object.status?.keyFingerprint, own.fingerprint);
  // The generated key is no longer the sealing key but still decrypts.
  const older = await unsealsWith(sharedWorkNs, 'generated-key', generatedPem);
  assert.equal(older.status?.keyFingerprint, generated.fingerprint);
});

test('a key marked compromised: objects it opened are reported by condition and metric; it is unpublished', async (t) => {
  if (!(await ready(t))) return;
  assert.ok(shared, 'runs after the bring-your-own-key test');
  const { controller, controllerNs, generated } = shared;
  assert.equal(await metricValue(controller, 'gitseal_compromised_key_sealed_secrets'), 0);
  const keySecret = (await keySecrets(controllerNs)).find((k) => k.cert.keyId === generated.keyId);
  assert.ok(keySecret, 'the generated key Secret');
  await cluster.core.patchNamespacedSecret({
    namespace: controllerNs,
    name: keySecret.name,
    body: [{ op: 'replace', path: `/metadata/labels/${KEY_LABEL.replace('/', '~1')}`, value: 'compromised' }],
  });
  const reported = await cluster.waitStatus(
    sharedWorkNs,
    'generated-key',
    (o) => condition(o, 'KeyCompromised')?.status === 'True',
  );
  assert.equal(condition(reported, 'KeyCompromised')?.reason, 'SealedWithCompromisedKey');
  assert.equal(condition(reported, 'Synced')?.status, 'True', 'still unsealed');
  const clean = await cluster.getSealed(sharedWorkNs, 'own-key');
  assert.equal(condition(clean, 'KeyCompromised'), undefined, 'objects of other keys are not reported');
  await waitFor(
    'compromised metrics',
    async () =>
      (await metricValue(controller, 'gitseal_compromised_key_sealed_secrets')) === 1 &&
      (await metricValue(controller, 'gitseal_keys', '{state="compromised"}')) === 1,
    10_000,
  );
  const configMap = await waitFor('unpublished', async () => {
    const cm = await certsConfigMap(controllerNs);
    return cm && cm.data[`${generated.keyId}.pem`] === undefined ? cm : undefined;
  });
  assert.equal(configMap.listed.find((l) => l.keyId === generated.keyId)?.state, 'compromised');
});

test('a deleted key: the objects it opened report Synced=False on the next change', async (t) => {
  if (!(await ready(t))) return;
  assert.ok(shared, 'runs after the bring-your-own-key test');
  const { controllerNs } = shared;
  const doomed = await importKeygenKey(controllerNs, 'doomed-key', 'decrypt-only');
  await waitFor(
    'doomed key held',
    async () => (await metricValue(shared!.controller, 'gitseal_keys', '{state="decrypt-only"}')) === 1,
  );
  const object = await unsealsWith(sharedWorkNs, 'doomed', doomed.pem);
  assert.equal(object.status?.keyFingerprint, doomed.fingerprint);
  await cluster.core.deleteNamespacedSecret({ namespace: controllerNs, name: 'doomed-key' });
  // The next change: a touch of the object. The key set change makes the controller look at every object, so
  // its status write may race this read-modify-write: retry on a conflict.
  await waitFor('touch written', async () => {
    const current = await cluster.getSealed(sharedWorkNs, 'doomed');
    current.spec.template = { metadata: { labels: { touched: 'yes' } } };
    return cluster.replaceSealed(current).then(
      () => true,
      (error: unknown) => ((error as { code?: number }).code === 409 ? false : Promise.reject(error)),
    );
  });
  const failed = await cluster.waitStatus(sharedWorkNs, 'doomed', (o) => condition(o, 'Synced')?.status === 'False');
  assert.equal(failed.metadata.generation, 2);
  const synced = condition(failed, 'Synced');
  assert.equal(synced?.reason, 'UnsealFailed');
  assert.match(synced?.message ?? '', /^SealedSecret [^ ]+\/doomed: item "(new|old)": /);
  // The other objects are unaffected.
  const other = await cluster.getSealed(sharedWorkNs, 'own-key');
  assert.equal(condition(other, 'Synced')?.status, 'True');
});

test("`gitseal seal` with only a kubeconfig seals to the controller's sealing certificate; the Secret appears", async (t) => {
  if (!(await ready(t))) return;
  assert.ok(shared, 'runs after the bring-your-own-key test');
  const { controllerNs } = shared;
  const sealing = parseCertificate(await certOf(shared.controller));
  // A newer decrypt-only key is listed in gitseal-certs too: the CLI must still pick the sealing certificate.
  await afterSecondOf(sealing);
  const newer = await importKeygenKey(controllerNs, 'newer-decrypt-only', 'decrypt-only');
  await waitFor('newer key published', async () => (await certsConfigMap(controllerNs))?.data[`${newer.keyId}.pem`]);
  const password = marker('cli-password');
  markers.push(password);
  const secretFile = join(temp.dir, 'secret.yaml');
  await writeFile(
    secretFile,
    [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: from-cli',
      `  namespace: ${sharedWorkNs}`,
      'stringData:',
      `  password: ${password}`,
      '',
    ].join('\n'),
  );
  const result = await runCli([
    'seal',
    '--kubeconfig',
    kubeconfigPath,
    '--controller-namespace',
    controllerNs,
    '-f',
    secretFile,
  ]);
  cliOutput.push(result.stderr);
  // No Service in front of this controller: the ConfigMap's certificate, and stderr says it was not cross-checked.
  const unchecked = `not cross-checked with the controller: Service ${controllerNs}/gitseal-controller: not found (404)`;
  assertSuccess(result, [
    certLine('sealing to certificate', sealing.pem, `ConfigMap ${controllerNs}/gitseal-certs, ${unchecked}`),
  ]);
  assertNoMarkers(result.stdout, [password], 'sealed output');
  const sealed = load(result.stdout) as SealedSecretObject;
  assert.equal(sealed.apiVersion, 'gitseal.dev/v1alpha1');
  const value = sealed.spec.encryptedData.password ?? '';
  const info = inspectSealedValue(value);
  assert.equal(info.envelope, Envelope.V2);
  assert.equal(info.envelope === Envelope.V2 ? info.keyId : '', sealing.keyId, 'sealed to cert.pem, not the newest');
  await cluster.createSealed(sealed);
  await cluster.waitSecretData(sharedWorkNs, 'from-cli', { password: b64(password) });
  const status = await cluster.waitStatus(sharedWorkNs, 'from-cli', (o) => condition(o, 'Synced')?.status === 'True');
  assert.equal(status.status?.keyFingerprint, sealing.fingerprint);
});

test('start-up: a controller that cannot create its key Secret stops and exits non-zero, naming the Secret and 403', async (t) => {
  if (!(await ready(t))) return;
  const controllerNs = await createTestNamespace(cluster.kc, 'gitseal-nokey');
  // The non-admin identity may read Secrets here (so the key informer syncs) but not create them.
  const rbac = cluster.kc.makeApiClient(RbacAuthorizationV1Api);
  const rules = [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }];
  await rbac.createNamespacedRole({ namespace: controllerNs, body: { metadata: { name: 'read-secrets' }, rules } });
  await rbac.createNamespacedRoleBinding({
    namespace: controllerNs,
    body: {
      metadata: { name: 'read-secrets' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-secrets' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: NON_ADMIN_USER }],
    },
  });
  const controller = await startControllerProcess(
    userKubeconfigPath,
    ['--namespace', controllerNs, '--namespaces', controllerNs, '--key-size', '2048', '--rsa-workers', '1'],
    { waitReady: false },
  );
  const code = await Promise.race([controller.exited, sleep(90_000).then(() => 'still running')]);
  assert.equal(code, 1, `exit code; output: ${controller.output().slice(-2000)}`);
  const reasons = controller
    .output()
    .split('\n')
    .filter((line) => line.startsWith('gitseal-controller: '));
  assert.equal(reasons.length, 1, `one reason line, got ${JSON.stringify(reasons)}`);
  assert.match(
    reasons[0] ?? '',
    new RegExp(`^gitseal-controller: start failed: create Secret ${controllerNs}/gitseal-key-\\S*: .*\\(403\\)`),
  );
  assert.match(controller.output(), /"msg":"stopped"/);
});

test('start-up: a controller that cannot bind an address exits non-zero at once, naming the address', async (t) => {
  if (!(await ready(t))) return;
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  t.after(() => busy.close());
  const port = (busy.address() as AddressInfo).port;
  const controllerNs = await createTestNamespace(cluster.kc, 'gitseal-bind');
  const started = Date.now();
  const controller = await startControllerProcess(
    kubeconfigPath,
    ['--namespace', controllerNs, '--key-size', '2048', '--metrics-address', `127.0.0.1:${port}`],
    { waitReady: false },
  );
  const code = await Promise.race([controller.exited, sleep(30_000).then(() => 'still running')]);
  assert.equal(code, 1, `exit code; output: ${controller.output().slice(-2000)}`);
  assert.ok(Date.now() - started < 15_000, 'exits at once');
  const reasons = controller
    .output()
    .split('\n')
    .filter((line) => line.startsWith('gitseal-controller: '));
  assert.deepEqual(reasons, [`gitseal-controller: listen 127.0.0.1:${port}: address already in use`]);
});
