// The local control plane is real: CRD schema validation, RBAC, watches and process teardown all behave as in a
// cluster. Each test gets its own namespace on one control plane shared by the file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiException,
  CustomObjectsApi,
  RbacAuthorizationV1Api,
  Watch,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import {
  ClusterError,
  ClusterErrorCode,
  resolveControlPlaneBinaries,
  startControlPlane,
  type ControlPlaneBinaries,
} from '../cluster/index.js';
import { isProcessAlive } from '../cluster/process-liveness.js';
import { readState } from '../cluster/state.js';
import { createTestNamespace, crdPath, installCrd, kubeConfigFor, sharedControlPlane } from '../support/index.js';

const shared = sharedControlPlane();
const group = 'gitseal.dev';
const version = 'v1alpha1';
const plural = 'sealedsecrets';

let crd: Promise<V1CustomResourceDefinition> | undefined;
function installSealedSecretCrd(kc: KubeConfig): Promise<V1CustomResourceDefinition> {
  crd ??= installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
  return crd;
}

function sealedSecret(namespace: string, name: string, encryptedData: Record<string, unknown>): object {
  return {
    apiVersion: `${group}/${version}`,
    kind: 'SealedSecret',
    metadata: { name, namespace },
    spec: { encryptedData, template: { metadata: { labels: { app: 'demo' } }, type: 'Opaque' } },
  };
}

async function apiErrorOf(promise: Promise<unknown>): Promise<ApiException<unknown>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) return error;
    throw error;
  }
  assert.fail('expected the API server to refuse the request');
}

/** The Status message the API server sent with an error. */
function statusMessage(error: ApiException<unknown>): string {
  const body: unknown = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
  return (body as { message?: string }).message ?? '';
}

test('the SealedSecret CRD is accepted and becomes Established', async (t) => {
  const plane = shared.use(t);
  if (!plane) return;
  const installed = await installSealedSecretCrd(kubeConfigFor(plane.kubeconfigPath));
  assert.equal(installed.spec.names.kind, 'SealedSecret');
  const established = installed.status?.conditions?.find((c) => c.type === 'Established');
  assert.equal(established?.status, 'True');
  assert.deepEqual(
    installed.spec.versions.map((v) => [v.name, v.served, v.storage]),
    [[version, true, true]],
  );
  // The x-kubernetes-* extensions survived the trip through the client and are stored.
  const schema = installed.spec.versions[0]?.schema?.openAPIV3Schema?.properties;
  assert.equal(schema?.spec?.properties?.encryptedData?.x_kubernetes_validations?.length, 1);
  assert.equal(schema?.status?.properties?.conditions?.x_kubernetes_list_type, 'map');
  assert.deepEqual(installed.spec.versions[0]?.subresources?.status, {});
});

test('a SealedSecret is created and read back, and its status is a separate subresource', async (t) => {
  const plane = shared.use(t);
  if (!plane) return;
  const kc = kubeConfigFor(plane.kubeconfigPath);
  await installSealedSecretCrd(kc);
  const namespace = await createTestNamespace(kc, 'roundtrip');
  const api = kc.makeApiClient(CustomObjectsApi);
  const body = {
    ...sealedSecret(namespace, 'db', { password: 'AgBy3i4OJSWK+PiTySYZZA==' }),
    status: { keyFingerprint: 'x' },
  };
  await api.createNamespacedCustomObject({ group, version, namespace, plural, body });

  const read = await api.getNamespacedCustomObject({ group, version, namespace, plural, name: 'db' });
  assert.deepEqual(read.spec, {
    encryptedData: { password: 'AgBy3i4OJSWK+PiTySYZZA==' },
    template: { metadata: { labels: { app: 'demo' } }, type: 'Opaque' },
  });
  assert.equal(read.status, undefined, 'status in a create body must be dropped: status is a subresource');

  const condition = {
    type: 'Synced',
    status: 'True',
    reason: 'Unsealed',
    message: 'ok',
    lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  const withStatus = { ...read, status: { observedGeneration: 1, conditions: [condition] } };
  await api.replaceNamespacedCustomObjectStatus({ group, version, namespace, plural, name: 'db', body: withStatus });
  const table = await getTable(
    plane.server,
    plane.caPem,
    plane.adminToken,
    `/apis/${group}/${version}/namespaces/${namespace}/${plural}`,
  );
  assert.deepEqual(
    table.columnDefinitions.map((c) => c.name),
    ['Name', 'Synced', 'Reason', 'Age'],
  );
  assert.deepEqual(
    table.rows.map((r) => r.cells.slice(0, 3)),
    [['db', 'True', 'Unsealed']],
  );
});

test('a watch delivers an update to a SealedSecret', async (t) => {
  const plane = shared.use(t);
  if (!plane) return;
  const kc = kubeConfigFor(plane.kubeconfigPath);
  await installSealedSecretCrd(kc);
  const namespace = await createTestNamespace(kc, 'watch');
  const api = kc.makeApiClient(CustomObjectsApi);
  const created = await api.createNamespacedCustomObject({
    group,
    version,
    namespace,
    plural,
    body: sealedSecret(namespace, 'api-key', { key: 'AAAA' }),
  });

  const events: Array<{ phase: string; keys: string[] }> = [];
  let ended: unknown = 'still open';
  const path = `/apis/${group}/${version}/namespaces/${namespace}/${plural}`;
  let sawModified = () => {};
  const modified = new Promise<void>((resolve) => (sawModified = resolve));
  const controller = await new Watch(kc).watch(
    path,
    { resourceVersion: created.metadata.resourceVersion },
    (phase, obj: { spec: { encryptedData: Record<string, string> } }) => {
      events.push({ phase, keys: Object.keys(obj.spec.encryptedData).sort() });
      if (phase === 'MODIFIED') sawModified();
    },
    (err) => (ended = err),
  );
  t.after(() => controller.abort());
  const current = await api.getNamespacedCustomObject({ group, version, namespace, plural, name: 'api-key' });
  current.spec.encryptedData.token = 'BBBB';
  await api.replaceNamespacedCustomObject({ group, version, namespace, plural, name: 'api-key', body: current });

  const timeout = sleep(10_000, 'timeout', { ref: false });
  assert.equal(
    await Promise.race([modified.then(() => 'modified'), timeout]),
    'modified',
    `events: ${JSON.stringify(events)}, watch end: ${String(ended)}`,
  );
  assert.deepEqual(events.at(-1), { phase: 'MODIFIED', keys: ['key', 'token'] });
});

test('the API server rejects SealedSecrets that violate the schema with 422', async (t) => {
  const plane = shared.use(t);
  if (!plane) return;
  const kc = kubeConfigFor(plane.kubeconfigPath);
  await installSealedSecretCrd(kc);
  const namespace = await createTestNamespace(kc, 'schema');
  const api = kc.makeApiClient(CustomObjectsApi);
  const create = (body: object) => api.createNamespacedCustomObject({ group, version, namespace, plural, body });

  const numeric = await apiErrorOf(create(sealedSecret(namespace, 'numeric', { password: 42 })));
  assert.equal(numeric.code, 422);
  assert.match(statusMessage(numeric), /spec\.encryptedData\.password/);

  const missing = sealedSecret(namespace, 'missing', {}) as { spec: Record<string, unknown> };
  delete missing.spec.encryptedData;
  const noData = await apiErrorOf(create(missing));
  assert.equal(noData.code, 422);
  assert.match(statusMessage(noData), /spec\.encryptedData: Required value/);

  const badKey = await apiErrorOf(create(sealedSecret(namespace, 'bad-key', { 'not a key!': 'AAAA' })));
  assert.equal(badKey.code, 422);
  assert.match(statusMessage(badKey), /valid Secret data keys/);

  const badTemplate = {
    ...sealedSecret(namespace, 'x', {}),
    spec: { encryptedData: {}, template: { immutable: 'yes' } },
  };
  const notBoolean = await apiErrorOf(create(badTemplate));
  assert.equal(notBoolean.code, 422);
  assert.match(statusMessage(notBoolean), /spec\.template\.immutable/);

  const list = await api.listNamespacedCustomObject({ group, version, namespace, plural });
  assert.deepEqual(list.items, [], 'no rejected object may have been stored');
});

test('RBAC denies the non-admin user until a Role and RoleBinding grant it', async (t) => {
  const plane = shared.use(t);
  if (!plane) return;
  const admin = kubeConfigFor(plane.kubeconfigPath);
  await installSealedSecretCrd(admin);
  const namespace = await createTestNamespace(admin, 'rbac');
  const other = await createTestNamespace(admin, 'rbac-other');
  const user = kubeConfigFor(plane.userKubeconfigPath).makeApiClient(CustomObjectsApi);
  const createAs = (ns: string, name: string) =>
    user.createNamespacedCustomObject({ group, version, namespace: ns, plural, body: sealedSecret(ns, name, {}) });

  const denied = await apiErrorOf(createAs(namespace, 'first'));
  assert.equal(denied.code, 403);
  assert.match(statusMessage(denied), /User "gitseal-user" cannot create resource "sealedsecrets"/);

  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name: 'sealedsecret-writer' },
      rules: [{ apiGroups: [group], resources: [plural], verbs: ['create', 'get'] }],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'gitseal-user-writes' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'sealedsecret-writer' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: plane.userName }],
    },
  });

  // The RBAC authorizer reads roles from an informer: allow it a moment to see the new binding.
  const created = await retryWhileForbidden(() => createAs(namespace, 'second'), 10_000);
  assert.equal((created as { metadata: { name: string } }).metadata.name, 'second');

  assert.equal(
    (await apiErrorOf(createAs(other, 'elsewhere'))).code,
    403,
    'a Role grants nothing outside its namespace',
  );
  const deleteAs = user.deleteNamespacedCustomObject({ group, version, namespace, plural, name: 'second' });
  assert.equal((await apiErrorOf(deleteAs)).code, 403, 'delete was not granted');
});

test('startControlPlane reports a process that dies at start with its log lines', async (t) => {
  const plane = shared.use(t);
  if (!plane) return;
  const binaries = await resolveControlPlaneBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-cp-fail-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A shell given etcd's flags complains about the first one and exits non-zero: an etcd that dies at start.
  const error = await startControlPlane({ dir, binaries: { ...binaries, etcd: '/bin/sh' } }).then(
    () => assert.fail('start should fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ClusterError);
  assert.equal(error.code, ClusterErrorCode.StartFailed);
  assert.match(error.message, /^etcd exited \(exit code \d+\); last log lines:\n/);
  const log = readFileSync(join(dir, 'logs', 'etcd.log'), 'utf8').trimEnd();
  assert.ok(log.length > 0 && error.message.endsWith(log.split('\n').at(-1) ?? '-'), 'the message ends with the log');
  assert.equal(existsSync(join(dir, 'etcd')), false, 'a failed start removes its data');
});

test('without Go or KUBEBUILDER_ASSETS the error says how to fix it', async (t) => {
  const cache = mkdtempSync(join(tmpdir(), 'gitseal-nocache-'));
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  const env = { PATH: '/nonexistent', XDG_CACHE_HOME: cache, KUBEBUILDER_ASSETS: '/nonexistent' };
  const error = await resolveControlPlaneBinaries(env).then(
    () => assert.fail('should not find binaries'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ClusterError);
  assert.equal(error.code, ClusterErrorCode.BinariesUnavailable);
  assert.match(error.message, /Go is not installed; install Go/);
  assert.match(error.message, /set KUBEBUILDER_ASSETS to a folder holding kube-apiserver and etcd/);
});

test('a control plane does not outlive a test process killed with SIGKILL', async (t) => {
  const plane = shared.use(t);
  if (!plane) return;
  const binaries = await resolveControlPlaneBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-cp-orphan-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pids = await startInChildThenKill(dir, binaries);
  assert.equal(pids.length, 2);
  const deadline = Date.now() + 10_000;
  while (pids.some(isProcessAlive) && Date.now() < deadline) await sleep(100);
  assert.deepEqual(pids.filter(isProcessAlive), [], 'etcd and kube-apiserver must die with their parent');
});

test('stop() ends both processes and removes the temp folder', async (t) => {
  const plane = shared.use(t);
  if (!plane) return;
  const second = await startControlPlane({ binaries: await resolveControlPlaneBinaries() });
  const pids = readState(second.dir)?.processes.map((p) => p.pid) ?? [];
  assert.equal(pids.length, 2);
  assert.ok(pids.every(isProcessAlive));
  await second.stop();
  assert.deepEqual(pids.filter(isProcessAlive), []);
  assert.equal(existsSync(second.dir), false);
});

/** Retries `call` while the API server answers 403, up to `timeoutMs`. */
async function retryWhileForbidden<T>(call: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ApiException) || error.code !== 403 || Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

/** Starts a control plane in a separate node process, SIGKILLs that process once ready, returns the plane's pids. */
async function startInChildThenKill(dir: string, binaries: ControlPlaneBinaries): Promise<number[]> {
  const module = new URL('../cluster/control-plane.js', import.meta.url).href;
  const script = `const { startControlPlane } = await import(${JSON.stringify(module)});
await startControlPlane({ dir: ${JSON.stringify(dir)}, binaries: ${JSON.stringify(binaries)} });
process.stdout.write('ready\\n');
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
  });
  const pids = readState(dir)?.processes.map((p) => p.pid) ?? [];
  child.kill('SIGKILL');
  return pids;
}

interface Table {
  columnDefinitions: Array<{ name: string }>;
  rows: Array<{ cells: unknown[] }>;
}

/** GET as a meta.k8s.io Table: the server-side rendering of the CRD's printer columns. */
function getTable(server: string, caPem: string, token: string, path: string): Promise<Table> {
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server), { ca: caPem, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(JSON.parse(text) as Table) : reject(new Error(`${res.statusCode}: ${text}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
