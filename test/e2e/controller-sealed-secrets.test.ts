// gitseal-controller as a real process against the real kube-apiserver + etcd: keys, unsealing, restore, no
// needless RSA, the interop vectors, bad objects, ownership, and no plaintext in its output.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AdmissionregistrationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type V1Secret,
} from '@kubernetes/client-node';
import { Envelope, parseCertificate, type Scope } from '@gitseal/crypto';
import { crdPath, createTestNamespace, installCrd, kubeConfigFor, sharedControlPlane } from '../support/index.js';
import { assertNoMarkers, loadVectorCases, loadVectorKeys, marker } from './cli-harness.js';
import {
  allControllerOutput,
  b64,
  metricValue,
  sealItems,
  startControllerProcess,
  waitFor,
  type ControllerProcess,
  type SealedSecretObject,
} from './controller-harness.js';

const GROUP = 'gitseal.dev';
const VERSION = 'v1alpha1';
const PLURAL = 'sealedsecrets';

const markers: string[] = [];

function sealedSecret(
  namespace: string,
  name: string,
  encryptedData: Record<string, string>,
  template: Record<string, unknown> = {},
): SealedSecretObject {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'SealedSecret',
    metadata: { name, namespace },
    spec: { encryptedData, template },
  };
}

/** Values default to v1 here: this file checks that the controller opens both formats. */
function seal(
  certPem: string,
  scope: Scope,
  namespace: string,
  name: string,
  items: Record<string, string | Buffer>,
  envelope: Envelope = Envelope.V1,
): Record<string, string> {
  return sealItems(certPem, scope, namespace, name, items, envelope);
}

let kc: KubeConfig;
let core: CoreV1Api;
let custom: CustomObjectsApi;
let kubeconfigPath: string;
const plane = sharedControlPlane();

async function getSealed(namespace: string, name: string): Promise<SealedSecretObject> {
  return (await custom.getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural: PLURAL,
    namespace,
    name,
  })) as SealedSecretObject;
}

async function applySealed(object: SealedSecretObject): Promise<SealedSecretObject> {
  const { namespace, name } = object.metadata;
  try {
    const current = await getSealed(namespace, name);
    const body = { ...object, metadata: { ...object.metadata, resourceVersion: current.metadata.resourceVersion } };
    return (await custom.replaceNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace,
      name,
      body,
    })) as SealedSecretObject;
  } catch (error) {
    if ((error as { code?: number }).code !== 404) throw error;
    return (await custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace,
      body: object,
    })) as SealedSecretObject;
  }
}

async function readSecret(namespace: string, name: string): Promise<V1Secret | undefined> {
  try {
    return await core.readNamespacedSecret({ namespace, name });
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

/** Waits until the object's status was written for its current generation, and returns its Synced condition. */
async function waitSynced(namespace: string, name: string, timeoutMs = 30_000) {
  return waitFor(
    `Synced of ${namespace}/${name}`,
    async () => {
      const object = await getSealed(namespace, name);
      const synced = object.status?.conditions?.find((c) => c.type === 'Synced');
      return object.status?.observedGeneration === object.metadata.generation && synced
        ? { object, synced }
        : undefined;
    },
    timeoutMs,
  );
}

async function waitSecretData(namespace: string, name: string, data: Record<string, string>): Promise<V1Secret> {
  return waitFor(`Secret ${namespace}/${name} data`, async () => {
    const secret = await readSecret(namespace, name);
    return secret && JSON.stringify(sortKeys(secret.data ?? {})) === JSON.stringify(sortKeys(data))
      ? secret
      : undefined;
  });
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}

let controllerNs: string;
let workNs: string;
let controller: ControllerProcess | undefined;
let certPem = '';

let setup: Promise<void> | undefined;

/** The file's cluster, CRD and namespaces, made once; false when the control plane is unavailable (skipped). */
async function ready(t: TestContext): Promise<boolean> {
  const cp = plane.use(t);
  if (!cp) return false;
  setup ??= (async () => {
    kubeconfigPath = cp.kubeconfigPath;
    kc = kubeConfigFor(kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
    custom = kc.makeApiClient(CustomObjectsApi);
    await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
    controllerNs = await createTestNamespace(kc, 'gitseal-system');
    workNs = await createTestNamespace(kc, 'apps');
  })();
  await setup;
  return true;
}

after(async () => {
  await controller?.stop();
  if (process.env.GITSEAL_E2E_LOG_DIR) {
    writeFileSync(join(process.env.GITSEAL_E2E_LOG_DIR, 'controller-sealed-secrets.log'), allControllerOutput());
  }
  // The last check of the file: nothing any controller printed holds a plaintext marker.
  assertNoMarkers(allControllerOutput(), markers, 'controller output');
});

test('the controller generates a sealing key, serves its certificate and publishes gitseal-certs', async (t) => {
  if (!(await ready(t))) return;
  controller = await startControllerProcess(kubeconfigPath, ['--namespace', controllerNs, '--key-size', '2048']);
  const keySecrets = await core.listNamespacedSecret({
    namespace: controllerNs,
    labelSelector: 'gitseal.dev/sealing-key',
  });
  assert.equal(keySecrets.items.length, 1);
  const keySecret = keySecrets.items[0]!;
  assert.equal(keySecret.type, 'kubernetes.io/tls');
  assert.equal(keySecret.metadata?.labels?.['gitseal.dev/sealing-key'], 'active');
  assert.match(keySecret.metadata?.name ?? '', /^gitseal-key-/);
  const res = await fetch(`${controller.api}/v1/cert.pem`);
  assert.equal(res.status, 200);
  certPem = await res.text();
  const info = parseCertificate(certPem);
  assert.equal(
    Buffer.from(keySecret.data?.['tls.crt'] ?? '', 'base64')
      .toString('utf8')
      .trim(),
    certPem.trim(),
  );
  assert.equal(info.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  const configMap = await waitFor('gitseal-certs', () =>
    core.readNamespacedConfigMap({ namespace: controllerNs, name: 'gitseal-certs' }).catch(() => undefined),
  );
  assert.equal(configMap.data?.['cert.pem'], certPem);
  assert.equal(configMap.data?.[`${info.keyId}.pem`], certPem);
  const listed = JSON.parse(configMap.data?.['certs.json'] ?? '[]') as {
    keyId: string;
    fingerprint: string;
    state: string;
  }[];
  assert.deepEqual(
    listed.map((c) => [c.keyId, c.fingerprint, c.state]),
    [[info.keyId, info.fingerprint, 'active']],
  );
  assert.equal(await metricValue(controller, 'gitseal_keys', '{state="active"}'), 1);
  const health = await fetch(`${controller.api}/healthz`);
  assert.equal(health.status, 200);
  const missing = await fetch(`${controller.api}/nope`);
  assert.equal(missing.status, 404);
  assert.deepEqual(Object.keys((await missing.json()) as object).sort(), ['error', 'message']);
});

test('a SealedSecret becomes an owned Secret with the exact data; edits and deletes are undone; new items appear', async (t) => {
  if (!(await ready(t))) return;
  assert.ok(controller);
  const password = marker('password');
  const token = marker('token');
  markers.push(password, token);
  const object = sealedSecret(workNs, 'db', seal(certPem, 'strict', workNs, 'db', { password }), {
    metadata: { labels: { app: 'db' }, annotations: { note: 'kept' } },
    type: 'Opaque',
  });
  object.spec.encryptedData.token = seal(certPem, 'strict', workNs, 'db', { token }, Envelope.V2).token!;
  const created = await applySealed(object);
  const secret = await waitSecretData(workNs, 'db', { password: b64(password), token: b64(token) });
  assert.equal(secret.type, 'Opaque');
  assert.equal(secret.metadata?.labels?.app, 'db');
  assert.equal(secret.metadata?.annotations?.note, 'kept');
  const owner = secret.metadata?.ownerReferences?.[0];
  assert.equal(owner?.uid, created.metadata.uid);
  assert.equal(owner?.kind, 'SealedSecret');
  assert.equal(owner?.controller, true);
  assert.equal(owner?.blockOwnerDeletion, true);
  const { object: status, synced } = await waitSynced(workNs, 'db');
  assert.equal(synced.status, 'True');
  assert.equal(synced.reason, 'Unsealed');
  assert.equal(status.status?.keyFingerprint, parseCertificate(certPem).fingerprint);

  // Edited: a changed value and an added key are both put back.
  await core.replaceNamespacedSecret({
    namespace: workNs,
    name: 'db',
    body: { ...secret, data: { password: b64('tampered'), extra: b64('x') } },
  });
  await waitSecretData(workNs, 'db', { password: b64(password), token: b64(token) });
  // Metadata edited, data intact: put back without RSA, with the data read from the API server (the informer cache
  // holds produced Secrets without their data), never written as empty.
  const intact = await waitSecretData(workNs, 'db', { password: b64(password), token: b64(token) });
  const rsaBefore = await metricValue(controller, 'gitseal_rsa_private_operations_total');
  await core.replaceNamespacedSecret({
    namespace: workNs,
    name: 'db',
    body: { ...intact, metadata: { ...intact.metadata, labels: { 'gitseal.dev/sealed-secret': 'true' } } },
  });
  const relabelled = await waitFor('labels put back', async () => {
    const s = await readSecret(workNs, 'db');
    return s?.metadata?.labels?.app === 'db' ? s : undefined;
  });
  assert.deepEqual(sortKeys(relabelled.data ?? {}), sortKeys({ password: b64(password), token: b64(token) }));
  assert.equal(await metricValue(controller, 'gitseal_rsa_private_operations_total'), rsaBefore, 'no RSA');
  // Deleted: recreated.
  await core.deleteNamespacedSecret({ namespace: workNs, name: 'db' });
  await waitFor('Secret recreated', async () => {
    const again = await readSecret(workNs, 'db');
    return again && again.metadata?.uid !== secret.metadata?.uid && again.data?.password === b64(password);
  });

  // A new item in the SealedSecret shows up in the Secret.
  const apiKey = marker('apikey');
  markers.push(apiKey);
  const current = await getSealed(workNs, 'db');
  current.spec.encryptedData['api-key'] = seal(certPem, 'strict', workNs, 'db', { 'api-key': apiKey })['api-key']!;
  await applySealed(current);
  await waitSecretData(workNs, 'db', { password: b64(password), token: b64(token), 'api-key': b64(apiKey) });
  const after = await waitSynced(workNs, 'db');
  assert.equal(after.object.status?.observedGeneration, 2);
  assert.equal(after.synced.status, 'True');
});

test('a restart with nothing changed does zero RSA private operations', async (t) => {
  if (!(await ready(t))) return;
  assert.ok(controller);
  assert.ok((await metricValue(controller, 'gitseal_rsa_private_operations_total')) > 0);
  const before = await getSealed(workNs, 'db');
  assert.equal(await controller.stop(), 0, 'graceful exit on SIGTERM');
  controller = await startControllerProcess(kubeconfigPath, ['--namespace', controllerNs, '--key-size', '2048']);
  // Wait until the restarted controller has reconciled the object (counted as Unchanged), then a bit more.
  await waitFor(
    'reconciled after restart',
    async () => (await metricValue(controller!, 'gitseal_unseal_results_total', '{reason="Unchanged"}')) >= 1,
  );
  await sleep(1_000);
  assert.equal(await metricValue(controller, 'gitseal_rsa_private_operations_total'), 0);
  const keySecrets = await core.listNamespacedSecret({
    namespace: controllerNs,
    labelSelector: 'gitseal.dev/sealing-key',
  });
  assert.equal(keySecrets.items.length, 1, 'no new key on restart');
  const afterRestart = await getSealed(workNs, 'db');
  assert.equal(afterRestart.metadata.resourceVersion, before.metadata.resourceVersion, 'no status rewrite');

  // Its Secret was intact at start, so the cache holds the SealedSecret without ciphertexts; a tampered Secret is
  // still put back, from the SealedSecret read whole (once) from the API server.
  assert.equal(await metricValue(controller, 'gitseal_sealed_secret_reads_total'), 0);
  const intact = await readSecret(workNs, 'db');
  assert.ok(intact?.data);
  await core.replaceNamespacedSecret({
    namespace: workNs,
    name: 'db',
    body: { ...intact, data: { ...intact.data, password: b64('tampered') } },
  });
  await waitFor(
    'Secret put back',
    async () => (await readSecret(workNs, 'db'))?.data?.password === intact.data?.password,
  );
  assert.deepEqual(sortKeys((await readSecret(workNs, 'db'))?.data ?? {}), sortKeys(intact.data));
  assert.equal(await metricValue(controller, 'gitseal_sealed_secret_reads_total'), 1);
  assert.ok((await metricValue(controller, 'gitseal_rsa_private_operations_total')) > 0, 'unsealed again');
});

test('an existing Secret not owned by the SealedSecret is never overwritten unless marked managed', async (t) => {
  if (!(await ready(t))) return;
  assert.ok(controller);
  const value = marker('foreign');
  markers.push(value);
  await core.createNamespacedSecret({
    namespace: workNs,
    body: { metadata: { name: 'theirs' }, data: { mine: b64('original') } },
  });
  await applySealed(sealedSecret(workNs, 'theirs', seal(certPem, 'strict', workNs, 'theirs', { value })));
  const { synced } = await waitSynced(workNs, 'theirs');
  assert.equal(synced.status, 'False');
  assert.equal(synced.reason, 'SecretNotOwned');
  await sleep(500);
  assert.deepEqual((await readSecret(workNs, 'theirs'))?.data, { mine: b64('original') });
  const existing = await readSecret(workNs, 'theirs');
  await core.replaceNamespacedSecret({
    namespace: workNs,
    name: 'theirs',
    body: { ...existing, metadata: { ...existing?.metadata, annotations: { 'gitseal.dev/managed': 'true' } } },
  });
  // Annotating the Secret does not wake the reconciler (it is not ours yet): touch the SealedSecret.
  const ss = await getSealed(workNs, 'theirs');
  ss.metadata.annotations = { touch: '1' };
  await applySealed(ss);
  const taken = await waitSecretData(workNs, 'theirs', { value: b64(value) });
  assert.equal(taken.metadata?.ownerReferences?.[0]?.uid, ss.metadata.uid);
});

test('bad objects get a condition, do not crash the controller and do not affect others', async (t) => {
  if (!(await ready(t))) return;
  assert.ok(controller);
  const scoped = marker('scoped');
  markers.push(scoped);
  // Not base64.
  await applySealed(sealedSecret(workNs, 'not-base64', { x: 'this is not base64!' }));
  // Sealed strict, presented cluster-wide: the label differs, so it must not open.
  await applySealed(
    sealedSecret(workNs, 'wrong-scope', seal(certPem, 'strict', workNs, 'wrong-scope', { scoped }), {
      metadata: { annotations: { 'gitseal.dev/cluster-wide': 'true' } },
    }),
  );
  // A 1 MiB value: the Secret could not be stored.
  const big = Buffer.alloc(1024 * 1024 + 1, 0x41);
  await applySealed(sealedSecret(workNs, 'too-big', seal(certPem, 'strict', workNs, 'too-big', { big })));
  // A good one next to them.
  const fine = marker('fine');
  markers.push(fine);
  await applySealed(sealedSecret(workNs, 'fine', seal(certPem, 'strict', workNs, 'fine', { fine })));

  const expectations = {
    'not-base64': 'InvalidSealedSecret',
    'wrong-scope': 'UnsealFailed',
    'too-big': 'InvalidSealedSecret',
  };
  for (const [name, reason] of Object.entries(expectations)) {
    const { synced } = await waitSynced(workNs, name);
    assert.equal(synced.status, 'False', name);
    assert.equal(synced.reason, reason, name);
    assert.ok(
      (synced.message ?? '').includes(`${workNs}/${name}`),
      `${name}: message names the object: ${synced.message}`,
    );
    assert.equal(await readSecret(workNs, name), undefined, `${name}: no Secret`);
  }
  await waitSecretData(workNs, 'fine', { fine: b64(fine) });
  assert.equal(controller.child.exitCode, null, 'controller still running');
  // The failed object is not decrypted again by its own status write or a touch of its metadata.
  const rsaBefore = await metricValue(controller, 'gitseal_rsa_private_operations_total');
  const failedBefore = await metricValue(controller, 'gitseal_unseal_results_total', '{reason="UnsealFailed"}');
  const wrong = await getSealed(workNs, 'wrong-scope');
  wrong.metadata.annotations = { touched: 'yes' };
  await applySealed(wrong);
  await waitFor(
    'touch reconciled',
    async () =>
      (await metricValue(controller!, 'gitseal_unseal_results_total', '{reason="UnsealFailed"}')) > failedBefore,
  );
  await sleep(500);
  assert.equal(await metricValue(controller, 'gitseal_rsa_private_operations_total'), rsaBefore);
  const events = await core.listNamespacedEvent({
    namespace: workNs,
    fieldSelector: 'involvedObject.name=wrong-scope',
  });
  assert.ok(events.items.some((e) => e.reason === 'UnsealFailed' && e.type === 'Warning'));
});

test('a Secret the API server refuses to store gives Synced=False ApplyFailed, then heals once it can', async (t) => {
  if (!(await ready(t))) return;
  assert.ok(controller);
  const value = marker('refused');
  markers.push(value);
  // An admission policy that refuses this one Secret: a stand-in for any write the API server refuses.
  const admission = kc.makeApiClient(AdmissionregistrationV1Api);
  const policyName = `refuse-secret-${workNs}`;
  await admission.createValidatingAdmissionPolicy({
    body: {
      metadata: { name: policyName },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['secrets'] }],
        },
        validations: [{ expression: "object.metadata.name != 'refused'", reason: 'Forbidden' }],
      },
    },
  });
  await admission.createValidatingAdmissionPolicyBinding({
    body: {
      metadata: { name: policyName },
      spec: {
        policyName,
        validationActions: ['Deny'],
        matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': workNs } } },
      },
    },
  });
  const removePolicy = async (): Promise<void> => {
    await admission.deleteValidatingAdmissionPolicyBinding({ name: policyName }).catch(() => undefined);
    await admission.deleteValidatingAdmissionPolicy({ name: policyName }).catch(() => undefined);
  };
  try {
    // Admission sees the policy through its own cache: wait until the create is refused.
    await waitFor('policy enforced', async () => {
      const probe = { metadata: { name: 'refused' }, data: {} };
      const created = await core.createNamespacedSecret({ namespace: workNs, body: probe }).then(
        () => true,
        (error: unknown) => ((error as { code?: number }).code === 403 ? false : Promise.reject(error)),
      );
      if (created) await core.deleteNamespacedSecret({ namespace: workNs, name: 'refused' });
      return !created;
    });
    await applySealed(sealedSecret(workNs, 'refused', seal(certPem, 'strict', workNs, 'refused', { value })));
    const { synced } = await waitSynced(workNs, 'refused');
    assert.equal(synced.status, 'False');
    assert.equal(synced.reason, 'ApplyFailed');
    assert.match(synced.message ?? '', new RegExp(`Secret ${workNs}/refused: forbidden \\(403\\)`));
    assert.equal(await readSecret(workNs, 'refused'), undefined);
  } finally {
    await removePolicy();
  }
  await waitSecretData(workNs, 'refused', { value: b64(value) });
  const healed = await waitFor('Synced=True', async () => {
    const { synced } = await waitSynced(workNs, 'refused');
    return synced.status === 'True' && synced;
  });
  assert.equal(healed.reason, 'Unsealed');
});

test('every interop vector yields its exact Secret or Synced=False, with keys imported live', async (t) => {
  if (!(await ready(t))) return;
  assert.ok(controller);
  const keys = loadVectorKeys();
  const cases = loadVectorCases();
  for (const key of keys.filter((k) => k.name !== 'foreign')) {
    await core.createNamespacedSecret({
      namespace: controllerNs,
      body: {
        metadata: { name: `vector-${key.name}`, labels: { 'gitseal.dev/sealing-key': 'decrypt-only' } },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': b64(key.certPem), 'tls.key': b64(key.keyPem) },
      },
    });
  }
  await waitFor(
    'vector keys loaded',
    async () => (await metricValue(controller!, 'gitseal_keys', '{state="decrypt-only"}')) === 2,
  );
  const cert = await (await fetch(`${controller.api}/v1/cert.pem`)).text();
  assert.equal(cert, certPem, 'decrypt-only keys never seal');
  for (const ns of new Set(cases.map((c) => c.namespace))) {
    await core.createNamespace({ body: { metadata: { name: ns } } }).catch(() => undefined);
  }
  const annotations = {
    'namespace-wide': { 'gitseal.dev/namespace-wide': 'true' },
    'cluster-wide': { 'gitseal.dev/cluster-wide': 'true' },
    strict: {},
  };
  // Cases sharing a namespace/name run one after the other, as updates of the same object.
  for (const c of cases) {
    for (const value of Object.values(c.plaintextBase64)) {
      const text = Buffer.from(value, 'base64').toString('utf8');
      if (value.length >= 12 && /^[\x20-\x7e]+$/.test(text) && text.length >= 8) markers.push(text);
    }
    await applySealed(
      sealedSecret(c.namespace, c.name, c.encryptedData, { metadata: { annotations: annotations[c.scope] } }),
    );
    const { synced } = await waitSynced(c.namespace, c.name);
    if (c.expect === 'ok') {
      assert.equal(synced.status, 'True', `${c.id}: ${synced.message}`);
      await waitSecretData(c.namespace, c.name, c.plaintextBase64);
    } else {
      assert.equal(synced.status, 'False', c.id);
      assert.equal(synced.reason, c.expect === 'error:decode' ? 'InvalidSealedSecret' : 'UnsealFailed', c.id);
      assert.equal(await readSecret(c.namespace, c.name), undefined, `${c.id}: no Secret`);
    }
  }
});

test('POST /v1/verify and /v1/rotate: never plaintext, scope kept, limits enforced', async (t) => {
  if (!(await ready(t))) return;
  assert.ok(controller);
  const post = (path: string, body: string, type = 'application/json') =>
    fetch(`${controller!.api}${path}`, { method: 'POST', body, headers: { 'Content-Type': type } });
  const db = await getSealed(workNs, 'db');
  const ok = await post('/v1/verify', JSON.stringify(db));
  assert.equal(ok.status, 200);
  const okText = await ok.text();
  assert.deepEqual((JSON.parse(okText) as { items: string[] }).items, ['api-key', 'password', 'token']);
  const bad = await post('/v1/verify', JSON.stringify(await getSealed(workNs, 'wrong-scope')));
  assert.equal(bad.status, 409);
  assert.equal(((await bad.json()) as { error: string }).error, 'SealedSecretUndecryptable');

  const rotated = await post('/v1/rotate', JSON.stringify(db));
  assert.equal(rotated.status, 200);
  const rotatedText = await rotated.text();
  assertNoMarkers(okText + rotatedText, markers, 'API answers');
  const object = JSON.parse(rotatedText) as SealedSecretObject;
  assert.deepEqual(Object.keys(object.spec.encryptedData).sort(), ['api-key', 'password', 'token']);
  assert.notEqual(object.spec.encryptedData.password, db.spec.encryptedData.password);
  assert.ok(object.spec.encryptedData.token?.startsWith('gs2:'), 'v2 items stay v2');
  assert.deepEqual(object.spec.template, db.spec.template);
  assert.equal(object.status, undefined);
  // Scope is never widened: the rotated object still opens only as workNs/db.
  const moved = { ...object, metadata: { ...object.metadata, name: 'db-moved' } };
  assert.equal((await post('/v1/verify', JSON.stringify(moved))).status, 409);
  assert.equal((await post('/v1/verify', JSON.stringify(object))).status, 200);

  const tooBig = await post('/v1/verify', JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }));
  assert.equal(tooBig.status, 413);
  const notJson = await post('/v1/verify', '{"kind": "SealedSecret", PLAINTEXT');
  assert.equal(notJson.status, 400);
  assert.ok(!(await notJson.text()).includes('PLAINTEXT'), 'parse errors do not echo the body');
  // kubeseal posts without a JSON content type: the body is read as JSON or YAML (here a bare scalar).
  assert.equal((await post('/v1/verify', 'x', 'text/plain')).status, 400);
  // The limit counts RSA operations (at least one token per request) per client: 64 at once, then 32/s.
  const statuses = await Promise.all(Array.from({ length: 100 }, () => post('/v1/verify', '{}').then((r) => r.status)));
  assert.ok(statuses.includes(429), 'rate limited');
  assert.ok(statuses.includes(400), 'some got through to validation');
});

test('with the default key size the controller makes an RSA-4096 key', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createTestNamespace(kc, 'gitseal-4096');
  const other = await startControllerProcess(kubeconfigPath, ['--namespace', ns, '--namespaces', ns]);
  try {
    const pem = await (await fetch(`${other.api}/v1/cert.pem`)).text();
    assert.equal(parseCertificate(pem).publicKey.asymmetricKeyDetails?.modulusLength, 4096);
  } finally {
    assert.equal(await other.stop(), 0);
  }
});
