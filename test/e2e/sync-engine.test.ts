// The sync engine end to end: gitseal-controller as a process against the real kube-apiserver, GitSyncs over
// real Git repositories (file:// and smart HTTP): apply, prune, preflight refusals, self-heal, webhook,
// CRDs and Namespaces in one commit, dependsOn, impersonation, and no plaintext in the controller's output.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  RbacAuthorizationV1Api,
  type KubeConfig,
} from '@kubernetes/client-node';
import { generateKeyPairSync, sealValue, scopeLabel, Envelope } from '@gitseal/crypto';
import { createTestNamespace } from '../support/index.js';
import { marker } from './cli-harness.js';
import { b64, sealItems, waitFor, type ControllerProcess } from './controller-harness.js';
import {
  configMapJson,
  createSyncNamespace,
  failedWith,
  type GitRepo,
  gitSyncCondition,
  GitSyncs,
  orAbsent,
  readyAt,
  serveOverHttp,
  syncSuite,
  widgetCrd,
} from './sync-harness.js';

const LABEL = 'gitseal.dev/sync';
const suite = syncSuite('sync-engine.log');
const { markers, newRepo } = suite;
let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;
let syncs: GitSyncs;
let controller: ControllerProcess;
let controllerNs = '';
let certPem = '';

async function ready(t: TestContext): Promise<boolean> {
  const sync = await suite.ready(t);
  if (!sync) return false;
  ({ kc, core, syncs, controller, namespace: controllerNs, certPem } = sync);
  apps = kc.makeApiClient(AppsV1Api);
  return true;
}

function sealedSecretYaml(namespace: string, name: string, items: Record<string, string>): string {
  const encryptedData = sealItems(certPem, 'strict', namespace, name, items);
  return JSON.stringify({
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name },
    spec: { encryptedData, template: {} },
  });
}

const deployment = (name: string, secret: string): string =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: 'app', image: 'registry.invalid/app:1', volumeMounts: [{ name: 's', mountPath: '/s' }] },
          ],
          volumes: [{ name: 's', secret: { secretName: secret } }],
        },
      },
    },
  });

const readConfigMap = (namespace: string, name: string) => orAbsent(core.readNamespacedConfigMap({ namespace, name }));

let appNs = '';
let appRepo: GitRepo;
let goodCommit = '';
const password = marker('db-password');
markers.push(password);

test('first sync applies a ConfigMap, a SealedSecret and a Deployment using its Secret', async (t) => {
  if (!(await ready(t))) return;
  appNs = await createSyncNamespace(kc, 'sync-app');
  appRepo = newRepo();
  goodCommit = appRepo.commit({
    'app/config.yaml': configMapJson('settings', { mode: 'one' }),
    'app/db.yaml': sealedSecretYaml(appNs, 'db', { password }),
    'app/web.yaml': deployment('web', 'db'),
    'README.md': 'not a manifest',
  });
  await syncs.create(appNs, 'app', {
    source: { url: appRepo.url, ref: { branch: 'main' }, path: 'app' },
    interval: '1h',
  });
  const synced = await syncs.waitFor(appNs, 'app', 'Ready', readyAt(goodCommit));
  assert.equal(gitSyncCondition(synced, 'Stalled'), undefined);
  assert.equal(gitSyncCondition(synced, 'Reconciling'), undefined);
  assert.deepEqual(
    synced.status?.inventory?.entries.map((e) => e.id),
    [`${appNs}_db_gitseal.dev_SealedSecret`, `${appNs}_settings__ConfigMap`, `${appNs}_web_apps_Deployment`],
  );
  const [newest] = synced.status?.history ?? [];
  assert.deepEqual(
    { result: newest?.result, objectsChanged: newest?.objectsChanged },
    { result: 'Succeeded', objectsChanged: 3 },
  );
  assert.match(newest?.digest ?? '', /^sha256:[0-9a-f]{64}$/);
  const cm = await core.readNamespacedConfigMap({ namespace: appNs, name: 'settings' });
  assert.deepEqual(cm.data, { mode: 'one' });
  assert.equal(cm.metadata?.labels?.[LABEL], `${appNs}.app`);
  assert.match(cm.metadata?.annotations?.['gitseal.dev/applied-digest'] ?? '', /^sha256:/);
  const web = await apps.readNamespacedDeployment({ namespace: appNs, name: 'web' });
  assert.equal(web.metadata?.labels?.[LABEL], `${appNs}.app`);
  const secret = await core.readNamespacedSecret({ namespace: appNs, name: 'db' });
  assert.equal(Buffer.from(secret.data?.['password'] ?? '', 'base64').toString(), password);
});

test('a new commit is applied; a removed file is pruned; a no-op resync writes nothing', async (t) => {
  if (!(await ready(t)) || !goodCommit) return;
  const before = (await apps.readNamespacedDeployment({ namespace: appNs, name: 'web' })).metadata?.resourceVersion;
  const changed = appRepo.commit({
    'app/config.yaml': configMapJson('settings', { mode: 'two' }),
    'app/extra.yaml': configMapJson('extra', { a: 'b' }),
  });
  await syncs.trigger(appNs, 'app');
  await syncs.waitFor(appNs, 'app', 'new commit', readyAt(changed));
  assert.equal((await readConfigMap(appNs, 'settings'))?.data?.['mode'], 'two');
  assert.equal((await readConfigMap(appNs, 'extra'))?.data?.['a'], 'b');
  const after = (await apps.readNamespacedDeployment({ namespace: appNs, name: 'web' })).metadata?.resourceVersion;
  assert.equal(after, before, 'the unchanged Deployment was not written');
  goodCommit = appRepo.commit({ 'app/extra.yaml': null });
  await syncs.trigger(appNs, 'app');
  const pruned = await syncs.waitFor(appNs, 'app', 'file removed', readyAt(goodCommit));
  assert.equal(await readConfigMap(appNs, 'extra'), undefined);
  assert.equal(pruned.status?.inventory?.entries.length, 3);
  const cmVersion = (await readConfigMap(appNs, 'settings'))?.metadata?.resourceVersion;
  const historyLength = pruned.status?.history?.length;
  await syncs.trigger(appNs, 'app');
  await sleep(3_000);
  const again = await syncs.get(appNs, 'app');
  assert.equal((await readConfigMap(appNs, 'settings'))?.metadata?.resourceVersion, cmVersion);
  assert.equal(again.status?.history?.length, historyLength);
});

test('an undecryptable SealedSecret, a plain Secret or invalid YAML refuse the whole revision', async (t) => {
  if (!(await ready(t)) || !goodCommit) return;
  const { publicKey } = generateKeyPairSync(2048);
  const wrong = marker('wrong-key');
  markers.push(wrong);
  const label = scopeLabel('strict', appNs, 'other');
  const foreign = JSON.stringify({
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'other' },
    spec: {
      encryptedData: {
        v: sealValue({
          publicKey,
          scopeLabel: label,
          itemKey: 'v',
          plaintext: Buffer.from(wrong),
          envelope: Envelope.V2,
        }),
      },
    },
  });
  const bad = appRepo.commit({
    'app/other.yaml': foreign,
    'app/new.yaml': configMapJson('new', { x: 'y' }),
    'app/config.yaml': configMapJson('settings', { mode: 'bad' }),
  });
  await syncs.trigger(appNs, 'app');
  const stalled = await syncs.waitFor(appNs, 'app', 'undecryptable', failedWith('SealedSecretUndecryptable', bad));
  assert.equal(gitSyncCondition(stalled, 'Stalled')?.status, 'True');
  assert.match(gitSyncCondition(stalled, 'Ready')?.message ?? '', /app\/other\.yaml.*SealedSecret/);
  assert.equal(stalled.status?.lastAppliedRevision, `main@sha1:${goodCommit}`);
  assert.equal(await readConfigMap(appNs, 'new'), undefined);
  assert.equal((await readConfigMap(appNs, 'settings'))?.data?.['mode'], 'two');

  const plain = marker('plain');
  markers.push(plain);
  const plainCommit = appRepo.commit({
    'app/other.yaml': JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'other' },
      data: { v: b64(plain) },
    }),
  });
  await syncs.trigger(appNs, 'app');
  const refused = await syncs.waitFor(appNs, 'app', 'plaintext', failedWith('PlaintextSecretInGit', plainCommit));
  assert.match(gitSyncCondition(refused, 'Ready')?.message ?? '', /app\/other\.yaml/);
  assert.equal(await readConfigMap(appNs, 'new'), undefined);

  const invalid = appRepo.commit({ 'app/other.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: [broken\n' });
  await syncs.trigger(appNs, 'app');
  const broken = await syncs.waitFor(appNs, 'app', 'invalid YAML', failedWith('InvalidManifest', invalid));
  assert.match(gitSyncCondition(broken, 'Ready')?.message ?? '', /app\/other\.yaml/);
  assert.equal(await readConfigMap(appNs, 'new'), undefined);
  assert.equal((await readConfigMap(appNs, 'settings'))?.data?.['mode'], 'two');

  goodCommit = appRepo.commit({
    'app/other.yaml': null,
    'app/new.yaml': null,
    'app/config.yaml': configMapJson('settings', { mode: 'two' }),
  });
  await syncs.trigger(appNs, 'app');
  const healed = await syncs.waitFor(appNs, 'app', 'fixed', readyAt(goodCommit));
  assert.equal(gitSyncCondition(healed, 'Stalled'), undefined);
});

test('an unreachable remote fails the sync and prunes nothing', async (t) => {
  if (!(await ready(t)) || !goodCommit) return;
  await syncs.update(appNs, 'app', (o) => {
    o.spec.source.url = `file://${appRepo.bare}-missing`;
  });
  const failed = await syncs.waitFor(appNs, 'app', 'fetch failed', failedWith('GitFetchFailed'));
  assert.equal(gitSyncCondition(failed, 'Stalled'), undefined);
  assert.ok(await readConfigMap(appNs, 'settings'), 'nothing pruned');
  assert.ok(await apps.readNamespacedDeployment({ namespace: appNs, name: 'web' }));
  await syncs.update(appNs, 'app', (o) => {
    o.spec.source.url = appRepo.url;
  });
  await syncs.waitFor(appNs, 'app', 'back', readyAt(goodCommit));
});

test('selfHeal reverts a manual edit and a deletion within seconds', async (t) => {
  if (!(await ready(t)) || !goodCommit) return;
  const cm = await core.readNamespacedConfigMap({ namespace: appNs, name: 'settings' });
  await core.replaceNamespacedConfigMap({
    namespace: appNs,
    name: 'settings',
    body: { ...cm, data: { mode: 'edited' } },
  });
  await waitFor(
    'edit reverted',
    async () => (await readConfigMap(appNs, 'settings'))?.data?.['mode'] === 'two',
    15_000,
  );
  await apps.deleteNamespacedDeployment({ namespace: appNs, name: 'web' });
  await waitFor(
    'deletion reverted',
    () =>
      apps.readNamespacedDeployment({ namespace: appNs, name: 'web' }).then(
        () => true,
        () => false,
      ),
    15_000,
  );
});

test('the webhook refuses a bad signature (401, no sync) and syncs on a good one (202)', async (t) => {
  if (!(await ready(t)) || !goodCommit) return;
  const token = marker('webhook-token');
  markers.push(token);
  await core.createNamespacedSecret({ namespace: appNs, body: { metadata: { name: 'hook' }, stringData: { token } } });
  await syncs.update(appNs, 'app', (o) => {
    o.spec['webhookSecretRef'] = { name: 'hook' };
  });
  await syncs.waitFor(appNs, 'app', 'ready', readyAt(goodCommit));
  const pushed = appRepo.commit({ 'app/config.yaml': configMapJson('settings', { mode: 'hooked' }) });
  const body = JSON.stringify({ ref: 'refs/heads/main', after: pushed });
  const post = (signature?: string) =>
    fetch(`${controller.api}/hooks/${appNs}/app`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(signature ? { 'X-Hub-Signature-256': signature } : {}) },
      body,
    });
  const badSig = `sha256=${createHmac('sha256', 'wrong').update(body).digest('hex')}`;
  assert.equal((await post(badSig)).status, 401);
  assert.equal((await post()).status, 401);
  assert.equal((await fetch(`${controller.api}/hooks/${appNs}/nope`, { method: 'POST', body })).status, 401);
  await sleep(2_000);
  assert.equal((await readConfigMap(appNs, 'settings'))?.data?.['mode'], 'two', 'no sync after a bad signature');
  const good = `sha256=${createHmac('sha256', token).update(body).digest('hex')}`;
  const started = Date.now();
  const res = await post(good);
  assert.equal(res.status, 202);
  await waitFor(
    'webhook sync',
    async () => (await readConfigMap(appNs, 'settings'))?.data?.['mode'] === 'hooked',
    15_000,
  );
  t.diagnostic(`webhook → applied in ${Date.now() - started} ms`);
  goodCommit = pushed;
});

test('a CRD and its custom resource, a Namespace and objects in it, in one commit', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createTestNamespace(kc, 'sync-infra');
  const created = `sync-made-${Date.now().toString(36)}`;
  const repo = newRepo();
  const crd = widgetCrd(`${created}.e2e.gitseal.dev`);
  const commit = repo.commit({
    'widget.yaml': JSON.stringify({
      apiVersion: `${created}.e2e.gitseal.dev/v1`,
      kind: 'Widget',
      metadata: { name: 'w1' },
      spec: { size: 3 },
    }),
    'crd.yaml': JSON.stringify(crd),
    'ns.yaml': JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: created } }),
    'in-ns.yaml': configMapJson('inside', { a: '1' }, created),
  });
  // CRDs and Namespaces are cluster-scoped: only a platform GitSync (in the controller's namespace) may apply them.
  await syncs.create(controllerNs, 'infra', { source: { url: repo.url }, interval: '1h', targetNamespace: ns });
  await syncs.waitFor(controllerNs, 'infra', 'Ready', readyAt(commit), 90_000);
  const widget = await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
    group: `${created}.e2e.gitseal.dev`,
    version: 'v1',
    plural: 'widgets',
    namespace: ns,
    name: 'w1',
  });
  assert.equal((widget as { spec?: { size?: number } }).spec?.size, 3, JSON.stringify(widget));
  assert.equal((await readConfigMap(created, 'inside'))?.data?.['a'], '1');
});

test('dependsOn waits until the dependency is Ready', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'sync-deps');
  const base = newRepo();
  const top = newRepo();
  const baseCommit = base.commit({ 'a.yaml': configMapJson('base', { a: '1' }) });
  const topCommit = top.commit({ 'b.yaml': configMapJson('top', { b: '1' }) });
  await syncs.create(ns, 'base', { source: { url: base.url, ref: { branch: 'missing' } }, interval: '1h' });
  await syncs.create(ns, 'top', { source: { url: top.url }, interval: '1h', dependsOn: [{ name: 'base' }] });
  const waiting = await syncs.waitFor(
    ns,
    'top',
    'DependencyNotReady',
    (o) => gitSyncCondition(o, 'Ready')?.reason === 'DependencyNotReady',
  );
  assert.match(gitSyncCondition(waiting, 'Ready')?.message ?? '', new RegExp(`${ns}/base`));
  assert.equal(await readConfigMap(ns, 'top'), undefined);
  await syncs.update(ns, 'base', (o) => {
    o.spec.source.ref = { branch: 'main' };
  });
  await syncs.waitFor(ns, 'base', 'Ready', readyAt(baseCommit));
  await syncs.waitFor(ns, 'top', 'Ready', readyAt(topCommit), 60_000);
  assert.ok(await readConfigMap(ns, 'top'));
});

test("serviceAccountName: apply has exactly the ServiceAccount's rights", async (t) => {
  if (!(await ready(t))) return;
  const ns = await createTestNamespace(kc, 'sync-tenant');
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'deployer' } } });
  await rbac.createNamespacedRole({
    namespace: ns,
    body: {
      metadata: { name: 'configmaps' },
      rules: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
        },
        // Reads are the ServiceAccount's too: it may see Services, not write them.
        { apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'watch'] },
      ],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace: ns,
    body: {
      metadata: { name: 'deployer' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmaps' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
    },
  });
  const repo = newRepo();
  const commit = repo.commit({
    'cm.yaml': configMapJson('allowed', { a: '1' }),
    'svc.yaml': JSON.stringify({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'denied' },
      spec: { ports: [{ port: 80 }] },
    }),
  });
  await syncs.create(ns, 'tenant', { source: { url: repo.url }, interval: '1h', serviceAccountName: 'deployer' });
  // The server-side dry run runs as the ServiceAccount too: the denial fails the revision before any write.
  const denied = await syncs.waitFor(ns, 'tenant', 'ValidationFailed', failedWith('ValidationFailed', commit));
  assert.match(
    gitSyncCondition(denied, 'Ready')?.message ?? '',
    /svc\.yaml#0: dry-run apply Service .*\/denied: forbidden \(403\): .*"system:serviceaccount:.*:deployer" cannot patch resource "services"/,
  );
  assert.equal(await readConfigMap(ns, 'allowed'), undefined, 'nothing of the refused revision was applied');
  await assert.rejects(core.readNamespacedService({ namespace: ns, name: 'denied' }));
  const fixed = repo.commit({ 'svc.yaml': null });
  await syncs.trigger(ns, 'tenant');
  await syncs.waitFor(ns, 'tenant', 'Ready', readyAt(fixed));
  assert.ok(await readConfigMap(ns, 'allowed'), 'what the ServiceAccount may do is applied');
});

test('a smart-HTTP source with basic auth from spec.source.secretRef', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'sync-http');
  const repo = newRepo();
  const commit = repo.commit({ 'cm.yaml': configMapJson('over-http', { a: '1' }) });
  const gitPassword = marker('git-password');
  markers.push(gitPassword);
  const server = await serveOverHttp(repo.bare, `Basic ${b64(`git:${gitPassword}`)}`);
  t.after(() => server.close());
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'git' }, stringData: { username: 'git', password: gitPassword } },
  });
  await syncs.create(ns, 'http', { source: { url: server.url, secretRef: { name: 'git' } }, interval: '1h' });
  await syncs.waitFor(ns, 'http', 'Ready', readyAt(commit));
  assert.ok(await readConfigMap(ns, 'over-http'));
  assert.ok(server.seenAuthorization.length > 0);
});

test('spec.wait: Ready only once the Deployment rolled out, naming it until then', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'sync-wait');
  const repo = newRepo();
  const commit = repo.commit({ 'cm.yaml': configMapJson('c', { a: '1' }), 'web.yaml': deployment('web', 'none') });
  await syncs.create(ns, 'wait', { source: { url: repo.url }, interval: '1h', wait: true, timeout: '5s' });
  const unhealthy = await syncs.waitFor(ns, 'wait', 'HealthCheckFailed', failedWith('HealthCheckFailed', commit));
  assert.match(gitSyncCondition(unhealthy, 'Ready')?.message ?? '', /Deployment .*\/web: /);
  // No kube-controller-manager here: write the rolled-out status the way the Deployment controller would.
  const web = await apps.readNamespacedDeployment({ namespace: ns, name: 'web' });
  const rolledOut = {
    observedGeneration: web.metadata?.generation ?? 0,
    replicas: 1,
    updatedReplicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    // kstatus also wants the controller's verdict: the new ReplicaSet available, the Deployment Available.
    conditions: [
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
    ],
  };
  await apps.replaceNamespacedDeploymentStatus({ namespace: ns, name: 'web', body: { ...web, status: rolledOut } });
  await syncs.trigger(ns, 'wait');
  await syncs.waitFor(ns, 'wait', 'Ready', readyAt(commit));
});
