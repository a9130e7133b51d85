// Least privilege, for real: deploy/base's ServiceAccount and RBAC applied as `kubectl kustomize` renders them, the
// controller started on a TokenRequest token of that ServiceAccount (leader election on), and what it does checked
// end to end; then single rules taken out of the ClusterRole, and the failures checked to be reported, not hidden.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import {
  AuthenticationV1Api,
  CoordinationV1Api,
  CoreV1Api,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type KubeConfig,
  type V1PolicyRule,
} from '@kubernetes/client-node';
import {
  asKubectlList,
  createTestNamespace,
  kubeConfigFor,
  kubectlOk,
  sharedControlPlane,
  type RenderedObject,
} from '../support/index.js';
import { assertNoMarkers, marker } from './cli-harness.js';
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
} from './controller-harness.js';
import {
  applyArgs,
  CONTROLLER_USER,
  installBase,
  removeBase,
  SYSTEM_NAMESPACE,
  type BaseInstall,
} from './base-install.js';
import { createGitRepo, failedWith, GitSyncs, gitSyncCondition, readyAt, type GitRepo } from './sync-harness.js';

const markers: string[] = [];
const repos: GitRepo[] = [];
const gitCacheDir = mkdtempSync(join(tmpdir(), 'gitseal-lp-git-'));
let adminKubeconfig = '';
let applied: RenderedObject[] = [];

// Registered before sharedControlPlane(): `after` hooks run in order, and this one still needs the API server.
after(async () => {
  await stopAllControllers();
  const output = allControllerOutput();
  if (process.env.GITSEAL_E2E_LOG_DIR) {
    writeFileSync(join(process.env.GITSEAL_E2E_LOG_DIR, 'least-privilege.log'), output);
  }
  for (const repo of repos) repo.remove();
  rmSync(gitCacheDir, { recursive: true, force: true });
  await removeBase(adminKubeconfig, applied);
  assertNoMarkers(output, markers, 'controller output');
});

const shared = sharedControlPlane();

type Env = BaseInstall;

let envOnce: Promise<Env> | undefined;
let controller: ControllerProcess | undefined;
let certPem = '';

async function env(t: TestContext): Promise<Env | undefined> {
  const plane = shared.use(t);
  if (plane === undefined) return undefined;
  adminKubeconfig = plane.kubeconfigPath;
  envOnce ??= installBase(plane, MANAGER).then((installed) => {
    applied = [...installed.applied];
    return installed;
  });
  return envOnce;
}

const MANAGER = 'least-privilege-e2e';

function startController(e: Env, waitReady = true): Promise<ControllerProcess> {
  const args = ['--namespace', SYSTEM_NAMESPACE, '--key-size', '2048', '--git-allow-file', '--git-cache-dir'];
  return startControllerProcess(e.controllerKubeconfig, [...args, gitCacheDir], { leaderElect: true, waitReady });
}

interface LogLine {
  msg: string;
  error?: string;
  attempt?: number;
  [field: string]: unknown;
}

/** The controller's pino lines (JSON, one a line; a line still being written is left out). */
function logLines(c: ControllerProcess): LogLine[] {
  return c
    .output()
    .split('\n')
    .flatMap((line) => {
      try {
        const parsed: unknown = JSON.parse(line);
        return typeof parsed === 'object' && parsed !== null ? [parsed as LogLine] : [];
      } catch {
        return [];
      }
    });
}

function forbiddenLines(c: ControllerProcess): LogLine[] {
  return logLines(c).filter((l) => /forbidden|403/i.test(l.error ?? ''));
}

// --- the controller under exactly the base ---

test("the controller's kubeconfig holds only a TokenRequest token, and the API server sees its ServiceAccount", async (t) => {
  const e = await env(t);
  if (e === undefined) return;
  const skipped = e.objects.filter((o) => !applied.includes(o)).map((o) => `${o.kind}/${o.metadata.name}`);
  assert.deepEqual(skipped, ['Deployment/gitseal-controller'], 'all of the base but the Deployment is applied');
  const { name: _name, token, ...rest } = e.controllerKc.getCurrentUser() ?? { name: '' };
  assert.ok(token, 'a bearer token');
  const otherCredentials = Object.entries(rest).filter(([, value]) => value !== undefined);
  assert.deepEqual(otherCredentials, [], 'and no other credential');
  const review = await e.controllerKc
    .makeApiClient(AuthenticationV1Api)
    .createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
  assert.equal(review.status?.userInfo?.username, CONTROLLER_USER);
  assert.deepEqual(review.status?.userInfo?.groups?.slice().sort(), [
    'system:authenticated',
    'system:serviceaccounts',
    `system:serviceaccounts:${SYSTEM_NAMESPACE}`,
  ]);
  // Pods may be listed (health reads container states); their logs may not, nor anything cluster-wide like Nodes.
  const core = e.controllerKc.makeApiClient(CoreV1Api);
  await core.listNamespacedPod({ namespace: 'default' });
  for (const call of [() => core.readNamespacedPodLog({ namespace: 'default', name: 'any' }), () => core.listNode()]) {
    await assert.rejects(call(), (error: { code?: number }) => error.code === 403, 'nothing beyond the base');
  }
});

test('with leader election on it takes the Lease, makes its key Secret and publishes gitseal-certs', async (t) => {
  const e = await env(t);
  if (e === undefined) return;
  controller = await startController(e);
  const leases = kubeConfigFor(e.plane.kubeconfigPath).makeApiClient(CoordinationV1Api);
  await waitFor('Lease held', async () => {
    const lease = await leases.readNamespacedLease({ namespace: SYSTEM_NAMESPACE, name: 'gitseal-controller' });
    return Boolean(lease.spec?.holderIdentity);
  });
  const keys = await e.admin.core.listNamespacedSecret({
    namespace: SYSTEM_NAMESPACE,
    labelSelector: 'gitseal.dev/sealing-key',
  });
  assert.deepEqual(
    keys.items.map((k) => [k.type, k.metadata?.labels?.['gitseal.dev/sealing-key']]),
    [['kubernetes.io/tls', 'active']],
  );
  const res = await fetch(`${controller.api}/v1/cert.pem`);
  assert.equal(res.status, 200);
  certPem = await res.text();
  const certs = await waitFor('gitseal-certs', () =>
    e.admin.core.readNamespacedConfigMap({ namespace: SYSTEM_NAMESPACE, name: 'gitseal-certs' }).catch(() => undefined),
  );
  assert.equal(certs.data?.['cert.pem'], certPem);
});

test('under exactly the base it restores an edited gitseal-certs and records a Warning Event naming the editor', async (t) => {
  const e = await env(t);
  if (e === undefined || !certPem) return;
  const ref = { namespace: SYSTEM_NAMESPACE, name: 'gitseal-certs' };
  const current = await e.admin.core.readNamespacedConfigMap(ref);
  const poisoned = { ...current, data: { ...current.data, 'cert.pem': 'not the controller certificate' } };
  await e.admin.core.replaceNamespacedConfigMap({ ...ref, body: poisoned, fieldManager: 'lp-tenant' });
  await waitFor(
    'gitseal-certs restored',
    async () => (await e.admin.core.readNamespacedConfigMap(ref)).data?.['cert.pem'] === certPem,
    5_000,
  );
  await waitFor('the Warning Event', async () => {
    const fieldSelector = 'involvedObject.name=gitseal-certs,reason=CertsConfigMapRestored';
    const events = await e.admin.core.listNamespacedEvent({ namespace: SYSTEM_NAMESPACE, fieldSelector });
    return events.items.some((ev) => ev.type === 'Warning' && ev.message?.includes('changed by lp-tenant'));
  });
});

test('a SealedSecret sealed to its certificate becomes the Secret, Synced=True, with an Unsealed event', async (t) => {
  const e = await env(t);
  if (e === undefined || !certPem) return;
  const namespace = await createTestNamespace(e.admin.kc, 'lp-sealed');
  const password = marker('lp-password');
  markers.push(password);
  await e.admin.createSealed(
    Cluster.sealedSecret(namespace, 'db', sealItems(certPem, 'strict', namespace, 'db', { password })),
  );
  await e.admin.waitSecretData(namespace, 'db', { password: b64(password) });
  const synced = await e.admin.waitStatus(namespace, 'db', (o) => condition(o, 'Synced')?.status === 'True');
  assert.equal(condition(synced, 'Synced')?.reason, 'Unsealed');
  await waitFor('Unsealed event', async () => {
    const events = await e.admin.core.listNamespacedEvent({ namespace, fieldSelector: 'involvedObject.name=db' });
    return events.items.some((ev) => ev.reason === 'Unsealed' && ev.type === 'Normal');
  });
});

// --- the sync engine ---

let syncNs = '';
let syncRepo: GitRepo;
let syncs: GitSyncs;
let lastGood = '';

const configMap = (name: string): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { name } });

function sealedSecretFile(namespace: string, name: string): string {
  const value = marker(`lp-sync-${name}`);
  markers.push(value);
  return JSON.stringify({
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name },
    spec: { encryptedData: sealItems(certPem, 'strict', namespace, name, { value }), template: {} },
  });
}

/** A ServiceAccount `deployer` that may manage ConfigMaps, SealedSecrets and Leases in `namespace` (the GitSync's rights). */
async function createDeployer(kc: KubeConfig, namespace: string): Promise<void> {
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await kc
    .makeApiClient(CoreV1Api)
    .createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'deployer' } } });
  const rules: V1PolicyRule[] = [
    {
      apiGroups: ['', 'gitseal.dev'],
      resources: ['configmaps', 'sealedsecrets'],
      verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
    },
  ];
  await rbac.createNamespacedRole({ namespace, body: { metadata: { name: 'deployer' }, rules } });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'deployer' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deployer' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace }],
    },
  });
}

async function gitSyncEvents(e: Env, reason: string): Promise<string[]> {
  const events = await e.admin.core.listNamespacedEvent({
    namespace: syncNs,
    fieldSelector: 'involvedObject.name=app',
  });
  return events.items.filter((ev) => ev.reason === reason).map((ev) => `${ev.type}: ${ev.message ?? ''}`);
}

test('a GitSync applies SealedSecrets as its ServiceAccount, prunes a removed one, and records events', async (t) => {
  const e = await env(t);
  if (e === undefined || !controller || !certPem) return;
  syncNs = await createTestNamespace(e.admin.kc, 'lp-sync');
  await createDeployer(e.admin.kc, syncNs);
  syncs = new GitSyncs(e.admin.kc);
  syncRepo = createGitRepo();
  repos.push(syncRepo);
  const first = syncRepo.commit({
    'app/db.yaml': sealedSecretFile(syncNs, 'db'),
    'app/api.yaml': sealedSecretFile(syncNs, 'api'),
  });
  await syncs.create(syncNs, 'app', {
    source: { url: syncRepo.url, ref: { branch: 'main' }, path: 'app' },
    interval: '1h',
    serviceAccountName: 'deployer',
  });
  const ready = await syncs.waitFor(syncNs, 'app', 'Ready', readyAt(first));
  assert.deepEqual(
    ready.status?.inventory?.entries.map((x) => x.id),
    [`${syncNs}_api_gitseal.dev_SealedSecret`, `${syncNs}_db_gitseal.dev_SealedSecret`],
  );
  for (const name of ['db', 'api']) {
    await e.admin.waitStatus(syncNs, name, (o) => condition(o, 'Synced')?.status === 'True');
  }
  lastGood = syncRepo.commit({ 'app/api.yaml': null });
  await syncs.trigger(syncNs, 'app');
  await syncs.waitFor(syncNs, 'app', 'pruned', readyAt(lastGood));
  await assert.rejects(e.admin.getSealed(syncNs, 'api'), (error: { code?: number }) => error.code === 404);
  assert.ok(await e.admin.getSealed(syncNs, 'db'));
  const succeeded = await waitFor('ReconciliationSucceeded events', async () => {
    const found = await gitSyncEvents(e, 'ReconciliationSucceeded');
    return found.some((m) => / 1 pruned$/.test(m)) ? found : undefined;
  });
  assert.ok(
    succeeded.every((m) => m.startsWith('Normal: Applied revision main@sha1:')),
    succeeded.join('\n'),
  );
  assert.deepEqual(forbiddenLines(controller), [], 'the base allowed every request the controller made so far');
});

// A tenant GitSync reads live objects as its ServiceAccount too (docs/security.md, Tenancy): a kind the account
// may not list is refused naming the account and the permission, before anything of the revision is written.
const lease = (name: string): string =>
  JSON.stringify({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name },
    spec: { holderIdentity: 'x' },
  });

test('a ConfigMap syncs with the base; a kind the base cannot read is refused naming the permission, then syncs once granted', async (t) => {
  const e = await env(t);
  if (e === undefined || !controller || !lastGood) return;
  const withConfigMap = syncRepo.commit({ 'app/settings.yaml': configMap('settings') });
  await syncs.trigger(syncNs, 'app');
  await syncs.waitFor(syncNs, 'app', 'Ready with a ConfigMap', readyAt(withConfigMap));
  const settings = await e.admin.core.readNamespacedConfigMap({ namespace: syncNs, name: 'settings' });
  assert.deepEqual(settings.data, { name: 'settings' });
  lastGood = withConfigMap;

  const refused = syncRepo.commit({ 'app/lock.yaml': lease('lock') });
  await syncs.trigger(syncNs, 'app');
  const failed = await syncs.waitFor(syncNs, 'app', 'ApplyFailed', failedWith('ApplyFailed', refused));
  const message = gitSyncCondition(failed, 'Ready')?.message ?? '';
  assert.equal(
    message,
    `list Lease in ${syncNs}: forbidden (403): leases.coordination.k8s.io is forbidden: User "system:serviceaccount:${syncNs}:deployer" ` +
      `cannot list resource "leases" in API group "coordination.k8s.io" in the namespace "${syncNs}"`,
  );
  assert.equal(failed.status?.lastAppliedRevision, `main@sha1:${lastGood}`, 'the previous revision stays applied');
  await waitFor('ApplyFailed event', async () =>
    (await gitSyncEvents(e, 'ApplyFailed')).includes(`Warning: ${message}`),
  );

  const rbac = e.admin.kc.makeApiClient(RbacAuthorizationV1Api);
  await rbac.patchNamespacedRole(
    {
      namespace: syncNs,
      name: 'deployer',
      body: [
        {
          op: 'add',
          path: '/rules/-',
          value: {
            apiGroups: ['coordination.k8s.io'],
            resources: ['leases'],
            verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
          },
        },
      ],
    },
    setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
  );
  await syncs.trigger(syncNs, 'app');
  await syncs.waitFor(syncNs, 'app', 'Ready with the read rule', readyAt(refused));
  lastGood = syncRepo.commit({ 'app/settings.yaml': null, 'app/lock.yaml': null });
  await syncs.trigger(syncNs, 'app');
  await syncs.waitFor(syncNs, 'app', 'ConfigMap and Lease pruned', readyAt(lastGood));
  await assert.rejects(
    e.admin.core.readNamespacedConfigMap({ namespace: syncNs, name: 'settings' }),
    (error: { code?: number }) => error.code === 404,
  );
});

// --- one rule less ---

interface ClusterRole extends RenderedObject {
  rules: V1PolicyRule[];
}

function baseClusterRole(e: Env): ClusterRole {
  const role = e.objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'gitseal-controller');
  assert.ok(role, 'ClusterRole/gitseal-controller in the rendered base');
  return structuredClone(role) as ClusterRole;
}

/** Re-applies ClusterRole/gitseal-controller without the one rule `pick` selects; returns a restore function. */
async function withoutRule(e: Env, pick: (rule: V1PolicyRule) => boolean): Promise<() => Promise<void>> {
  const role = baseClusterRole(e);
  const index = role.rules.findIndex(pick);
  assert.ok(index >= 0, 'the rule is in the base');
  role.rules.splice(index, 1);
  await kubectlOk(applyArgs(adminKubeconfig, MANAGER), asKubectlList([role]));
  return async () => {
    await kubectlOk(applyArgs(adminKubeconfig, MANAGER), asKubectlList([baseClusterRole(e)]));
  };
}

async function restartController(e: Env): Promise<ControllerProcess> {
  await controller?.stop();
  controller = await startController(e, false);
  return controller;
}

const same = (a: readonly string[] | undefined, b: readonly string[]): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

const LIST_SECRETS_FORBIDDEN =
  'list secrets: forbidden (403): secrets is forbidden: ' +
  `User "${CONTROLLER_USER}" cannot list resource "secrets" in API group "" at the cluster scope`;
const statusForbidden = (namespace: string): string =>
  `patch SealedSecret ${namespace}/db status: forbidden (403): sealedsecrets.gitseal.dev "db" is forbidden: ` +
  `User "${CONTROLLER_USER}" cannot patch resource "sealedsecrets/status" in API group "gitseal.dev" in the namespace "${namespace}"`;

test('without the rule on Secrets it stays up, unready, and logs the forbidden list until the rule is back', async (t) => {
  const e = await env(t);
  if (e === undefined || !certPem) return;
  const restore = await withoutRule(e, (r) => same(r.resources, ['secrets']));
  t.after(restore);
  const running = await restartController(e);
  const namespace = await createTestNamespace(e.admin.kc, 'lp-no-secrets');
  const value = marker('lp-no-secrets');
  markers.push(value);
  await e.admin.createSealed(
    Cluster.sealedSecret(namespace, 'db', sealItems(certPem, 'strict', namespace, 'db', { value })),
  );

  const refused = await waitFor('two refused lists', async () => {
    const lines = forbiddenLines(running);
    return lines.length >= 2 ? lines : undefined;
  });
  assert.deepEqual(
    refused.slice(0, 2).map((l) => [l.msg, l.resource, l.namespace, l.error, l.attempt]),
    [
      ['list failed', 'secrets', '*', LIST_SECRETS_FORBIDDEN, 0],
      ['list failed', 'secrets', '*', LIST_SECRETS_FORBIDDEN, 1],
    ],
  );
  const readyz = await fetch(`${running.api}/readyz`);
  assert.equal(readyz.status, 503);
  assert.deepEqual(await readyz.json(), { error: 'NotReady', message: 'waiting for informers' });
  assert.equal((await fetch(`${running.api}/healthz`)).status, 200, 'alive: a liveness probe does not restart it');
  assert.equal(running.child.exitCode, null);
  assert.equal(await e.admin.readSecret(namespace, 'db'), undefined);
  assert.equal((await e.admin.getSealed(namespace, 'db')).status, undefined, 'nothing reconciled while unready');

  await restore();
  await waitFor('ready again', async () => (await fetch(`${running.api}/readyz`)).status === 200, 30_000);
  await e.admin.waitSecretData(namespace, 'db', { value: b64(value) });
  await e.admin.waitStatus(namespace, 'db', (o) => condition(o, 'Synced')?.status === 'True');
  assert.equal(running.child.exitCode, null, 'the same process recovered');
});

test('without the rule on sealedsecrets/status the Secret is written but the refused status patch is logged', async (t) => {
  const e = await env(t);
  if (e === undefined || !certPem) return;
  const restore = await withoutRule(e, (r) => same(r.resources, ['sealedsecrets/status']));
  t.after(restore);
  const running = await restartController(e);
  const namespace = await createTestNamespace(e.admin.kc, 'lp-no-status');
  const value = marker('lp-no-status');
  markers.push(value);
  await e.admin.createSealed(
    Cluster.sealedSecret(namespace, 'db', sealItems(certPem, 'strict', namespace, 'db', { value })),
  );
  await e.admin.waitSecretData(namespace, 'db', { value: b64(value) });
  const refused = await waitFor('refused status patches', async () => {
    const lines = forbiddenLines(running).filter((l) => l['key'] === `${namespace}/db`);
    return lines.length >= 2 ? lines : undefined;
  });
  assert.deepEqual(
    refused.slice(0, 2).map((l) => [l.msg, l.error, l.attempt]),
    [
      ['work item failed', statusForbidden(namespace), 1],
      ['work item failed', statusForbidden(namespace), 2],
    ],
  );
  assert.ok(Number(refused[1]?.['retryInMs']) > Number(refused[0]?.['retryInMs']), 'retried with backoff');
  assert.equal((await e.admin.getSealed(namespace, 'db')).status, undefined);
  assert.equal(running.child.exitCode, null);
  assert.equal((await fetch(`${running.api}/readyz`)).status, 200);

  await restore();
  await e.admin.waitStatus(namespace, 'db', (o) => condition(o, 'Synced')?.status === 'True');
});
