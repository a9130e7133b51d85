// A revision applies all or nothing, and the inventory is exact (issue "GitOps semantics on real repositories",
// sections 1 and 2), against the real kube-apiserver with gitseal-controller as a process: scopes come from API
// discovery (cluster-scoped custom resources are recorded without a namespace and pruned), a server-side dry run of
// the whole revision comes before its first write (nothing else written when any object would be refused; every
// failing object reported, with the API server's field causes and never a value), and the inventory holds exactly
// the last successful revision (what a failed one wrote is pending, and pruned once it leaves Git).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { installCrd } from '../support/index.js';
import { marker } from './cli-harness.js';
import { b64 } from './controller-harness.js';
import {
  configMapJson,
  createSyncNamespace,
  failedWith,
  gitSyncCondition,
  type GitSyncObject,
  GitSyncs,
  readyAt,
  syncSuite,
} from './sync-harness.js';

const suite = syncSuite('sync-atomic.log');
const { markers, newRepo } = suite;
let kc: KubeConfig;
let core: CoreV1Api;
let custom: CustomObjectsApi;
let syncs: GitSyncs;
let controllerNs = '';

async function ready(t: TestContext): Promise<boolean> {
  const sync = await suite.ready(t);
  if (!sync) return false;
  ({ kc, core, syncs, namespace: controllerNs } = sync);
  custom = kc.makeApiClient(CustomObjectsApi);
  return true;
}

/** A cluster-scoped `Issuer`-like CRD in `group`. */
function clusterCrd(group: string, kind = 'Gate', plural = 'gates') {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Cluster',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
            },
          },
        },
      ],
    },
  };
}

/** installCrd reads a file: JSON is YAML. */
async function installCrdObject(crd: object): Promise<void> {
  const path = join(mkdtempSync(join(tmpdir(), 'gitseal-crd-')), 'crd.json');
  writeFileSync(path, JSON.stringify(crd));
  await installCrd(kc, path);
}

const gate = (group: string, name: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ apiVersion: `${group}/v1`, kind: 'Gate', metadata: { name, ...extra }, spec: { open: true } });

async function gateExists(group: string, name: string): Promise<boolean> {
  return custom
    .getClusterCustomObject({ group, version: 'v1', plural: 'gates', name })
    .then(() => true)
    .catch((error: { code?: number }) => {
      if (error.code === 404) return false;
      throw error;
    });
}

async function configMapNames(namespace: string): Promise<string[]> {
  const list = await core.listNamespacedConfigMap({ namespace, labelSelector: 'gitseal.dev/sync' });
  return list.items.map((c) => c.metadata?.name ?? '').sort();
}

const ids = (o: GitSyncObject, field: 'entries' | 'pending' = 'entries'): string[] =>
  ((o.status?.inventory as Record<string, { id: string }[] | undefined> | undefined)?.[field] ?? [])
    .map((e) => e.id)
    .sort();

function deploymentJson(name: string, containers: unknown[], selector = name): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: selector } },
      template: { metadata: { labels: { app: selector } }, spec: { containers } },
    },
  });
}

test('cluster-scoped custom resources are recorded without a namespace and pruned (CRD installed before)', async (t) => {
  if (!(await ready(t))) return;
  const group = `pre${Date.now().toString(36)}.example.com`;
  await installCrdObject(clusterCrd(group));
  const repo = newRepo();
  const first = repo.commit({
    'platform/a.json': gate(group, 'a'),
    'platform/b.json': gate(group, 'b'),
    'platform/cm.json': configMapJson('platform-settings', { k: 'v' }),
  });
  await syncs.create(controllerNs, 'gates', {
    source: { url: repo.url, ref: { branch: 'main' }, path: 'platform' },
    interval: '1h',
  });
  const synced = await syncs.waitFor(controllerNs, 'gates', 'Ready', readyAt(first));
  assert.deepEqual(ids(synced), [
    `_a_${group}_Gate`,
    `_b_${group}_Gate`,
    `${controllerNs}_platform-settings__ConfigMap`,
  ]);
  assert.ok(await gateExists(group, 'b'));
  const second = repo.commit({ 'platform/b.json': null });
  await syncs.trigger(controllerNs, 'gates');
  const pruned = await syncs.waitFor(controllerNs, 'gates', 'Ready', readyAt(second));
  assert.equal(pruned.status?.history?.[0]?.result, 'Succeeded');
  assert.equal(await gateExists(group, 'b'), false, 'the cluster-scoped Gate left Git and was pruned');
  assert.ok(await gateExists(group, 'a'));
  assert.deepEqual(ids(pruned), [`_a_${group}_Gate`, `${controllerNs}_platform-settings__ConfigMap`]);
});

test('a cluster-scoped custom resource whose CRD is in the same revision is pruned too', async (t) => {
  if (!(await ready(t))) return;
  const group = `same${Date.now().toString(36)}.example.com`;
  const repo = newRepo();
  const first = repo.commit({
    'p/crd.json': JSON.stringify(clusterCrd(group)),
    'p/x.json': gate(group, 'x'),
    'p/y.json': gate(group, 'y'),
  });
  await syncs.create(controllerNs, 'same-rev', {
    source: { url: repo.url, ref: { branch: 'main' }, path: 'p' },
    interval: '1h',
  });
  const synced = await syncs.waitFor(controllerNs, 'same-rev', 'Ready', readyAt(first));
  assert.ok(ids(synced).includes(`_y_${group}_Gate`), JSON.stringify(ids(synced)));
  const second = repo.commit({ 'p/y.json': null });
  await syncs.trigger(controllerNs, 'same-rev');
  await syncs.waitFor(controllerNs, 'same-rev', 'Ready', readyAt(second));
  assert.equal(await gateExists(group, 'y'), false);
});

test('a namespace on a cluster-scoped kind in a file is an error naming the file, before any write', async (t) => {
  if (!(await ready(t))) return;
  const group = `nsd${Date.now().toString(36)}.example.com`;
  await installCrdObject(clusterCrd(group));
  const ns = await createSyncNamespace(kc, 'scoped');
  const repo = newRepo();
  const commit = repo.commit({
    'p/cm.json': configMapJson('first', { k: 'v' }),
    'p/gate.json': gate(group, 'g', { namespace: controllerNs }),
  });
  await syncs.create(controllerNs, 'bad-ns', {
    source: { url: repo.url, ref: { branch: 'main' }, path: 'p' },
    targetNamespace: ns,
    interval: '1h',
  });
  const failed = await syncs.waitFor(
    controllerNs,
    'bad-ns',
    'ValidationFailed',
    failedWith('ValidationFailed', commit),
  );
  const message = gitSyncCondition(failed, 'Ready')?.message ?? '';
  assert.match(message, /p\/gate\.json#0: Gate g: is cluster-scoped but sets metadata\.namespace/);
  assert.deepEqual(await configMapNames(ns), [], 'nothing of the revision was written');
  assert.equal(await gateExists(group, 'g'), false);
});

test('one object of an unserved kind fails the whole revision: nothing else written, the cause said plainly', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'atomic');
  const repo = newRepo();
  const files: Record<string, string> = {};
  for (let i = 0; i < 11; i++)
    files[`app/cm-${String(i).padStart(2, '0')}.json`] = configMapJson(`cm-${i}`, { i: `${i}` });
  files['app/zz-monitor.json'] = JSON.stringify({
    apiVersion: 'monitoring.example.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'web' },
    spec: {},
  });
  const commit = repo.commit(files);
  await syncs.create(ns, 'app', { source: { url: repo.url, ref: { branch: 'main' }, path: 'app' }, interval: '1h' });
  const failed = await syncs.waitFor(ns, 'app', 'ValidationFailed', failedWith('ValidationFailed', commit));
  assert.equal(
    gitSyncCondition(failed, 'Ready')?.message,
    '1 object cannot be applied: app/zz-monitor.json#0: ServiceMonitor ' +
      'web: no CRD for kind ServiceMonitor in group monitoring.example.com (monitoring.example.com/v1) is ' +
      'installed, and this revision does not define one',
  );
  assert.deepEqual(await configMapNames(ns), [], 'no ConfigMap of the refused revision was written');
  assert.deepEqual(ids(failed), [], 'the inventory is still the (empty) last successful one');
});

test('the dry run reports every failing object with its field causes, and never a value', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'dryrun');
  const repo = newRepo();
  const good = repo.commit({
    'app/settings.json': configMapJson('settings', { mode: 'one' }),
    'app/web.json': deploymentJson('web', [{ name: 'app', image: 'registry.invalid/web:1' }]),
  });
  await syncs.create(ns, 'app', {
    source: { url: repo.url, ref: { branch: 'main' }, path: 'app' },
    interval: '1h',
    allowPlainSecrets: true,
  });
  await syncs.waitFor(ns, 'app', 'Ready', readyAt(good));

  const secret = marker('dockerconfig');
  markers.push(secret);
  const bad = repo.commit({
    'app/settings.json': configMapJson('settings', { mode: 'two' }),
    // An immutable field changed, two invalid Deployments, and a Secret whose invalid value the API server quotes.
    'app/web.json': deploymentJson('web', [{ name: 'app', image: 'registry.invalid/web:2' }], 'web-v2'),
    'app/worker.json': deploymentJson('worker', [{ name: 'app' }]),
    'app/cron.json': deploymentJson('cron', []),
    'app/pull.json': JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'pull' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': b64(`{"auths": ${secret}`) },
    }),
  });
  await syncs.trigger(ns, 'app');
  const failed = await syncs.waitFor(ns, 'app', 'ValidationFailed', failedWith('ValidationFailed', bad));
  const message = gitSyncCondition(failed, 'Ready')?.message ?? '';
  assert.match(message, /^4 objects failed the server-side dry run \(nothing else of the revision was written\): /);
  assert.match(
    message,
    /app\/pull\.json#0: dry-run apply Secret \S+\/pull: invalid \(422\): data\[\.dockerconfigjson\]/,
  );
  assert.match(
    message,
    /app\/cron\.json#0: dry-run apply Deployment \S+\/cron: invalid \(422\): spec\.template\.spec\.containers: required value/,
  );
  assert.match(message, /app\/worker\.json#0: .*spec\.template\.spec\.containers\[0\]\.image: required value/);
  assert.match(message, /app\/web\.json#0: .*spec\.selector: field is immutable/);
  assert.ok(!message.includes(secret) && !message.includes(b64(secret)), 'no value in the message');
  const settings = await core.readNamespacedConfigMap({ namespace: ns, name: 'settings' });
  assert.deepEqual(settings.data, { mode: 'one' }, 'the valid change of the refused revision was not applied');
  const secrets = await core.listNamespacedSecret({ namespace: ns });
  assert.ok(!secrets.items.some((s) => s.metadata?.name === 'pull'));
  assert.deepEqual(ids(failed), [`${ns}_settings__ConfigMap`, `${ns}_web_apps_Deployment`]);
});

test('the inventory is the last successful revision; what a failed one wrote is pending and pruned later', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'pending');
  const repo = newRepo();
  const first = repo.commit({
    'app/a.json': configMapJson('a', { v: '1' }),
    'app/b.json': configMapJson('b', { v: '1' }),
  });
  await syncs.create(ns, 'app', {
    source: { url: repo.url, ref: { branch: 'main' }, path: 'app' },
    interval: '1h',
    wait: true,
    timeout: '3s',
  });
  await syncs.waitFor(ns, 'app', 'Ready', readyAt(first));
  // No node: the Deployment never becomes Available, so this revision is applied but does not succeed.
  const second = repo.commit({
    'app/c.json': configMapJson('c', { v: '1' }),
    'app/web.json': deploymentJson('web', [{ name: 'app', image: 'registry.invalid/web:1' }]),
  });
  await syncs.trigger(ns, 'app');
  const failed = await syncs.waitFor(ns, 'app', 'HealthCheckFailed', failedWith('HealthCheckFailed', second));
  assert.deepEqual(ids(failed), [`${ns}_a__ConfigMap`, `${ns}_b__ConfigMap`]);
  assert.deepEqual(ids(failed, 'pending'), [`${ns}_c__ConfigMap`, `${ns}_web_apps_Deployment`]);
  assert.deepEqual(await configMapNames(ns), ['a', 'b', 'c']);
  const third = repo.commit({ 'app/b.json': null, 'app/c.json': null, 'app/web.json': null });
  await syncs.trigger(ns, 'app');
  const synced = await syncs.waitFor(ns, 'app', 'Ready', readyAt(third));
  assert.deepEqual(ids(synced), [`${ns}_a__ConfigMap`]);
  assert.deepEqual(ids(synced, 'pending'), []);
  assert.deepEqual(await configMapNames(ns), ['a'], 'b left Git; c was only ever in a failed revision: both pruned');
  const deployments = await kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: ns });
  assert.deepEqual(deployments.items, []);
});

test('an object with a 100,000-character name fails the revision with a short message, never wedging the GitSync', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'names');
  const repo = newRepo();
  const commit = repo.commit({
    'app/ok.json': configMapJson('ok', { k: 'v' }),
    'app/long.json': configMapJson('n'.repeat(100_000), { k: 'v' }),
  });
  await syncs.create(ns, 'app', { source: { url: repo.url, ref: { branch: 'main' }, path: 'app' }, interval: '1h' });
  const failed = await syncs.waitFor(ns, 'app', 'ValidationFailed', failedWith('ValidationFailed', commit));
  const message = gitSyncCondition(failed, 'Ready')?.message ?? '';
  assert.match(
    message,
    /^1 object has names the API server cannot store: app\/long\.json#0: ConfigMap n{63}…\(100000 characters\): metadata\.name is 100000 characters long \(at most 253\)$/,
  );
  assert.ok(message.length < 1_000, `short message (${message.length})`);
  assert.equal(gitSyncCondition(failed, 'Reconciling'), undefined, 'not left Reconciling');
  assert.deepEqual(await configMapNames(ns), []);
});

test('a new targetNamespace moves the objects of the same revision (the remembered render is re-scoped)', async (t) => {
  if (!(await ready(t))) return;
  const [first, second] = [await createSyncNamespace(kc, 'move-a'), await createSyncNamespace(kc, 'move-b')];
  const repo = newRepo();
  const commit = repo.commit({ 'app/cm.json': configMapJson('moved', { k: 'v' }) });
  await syncs.create(controllerNs, 'mover', {
    source: { url: repo.url, ref: { branch: 'main' }, path: 'app' },
    targetNamespace: first,
    interval: '1h',
  });
  await syncs.waitFor(controllerNs, 'mover', 'Ready', readyAt(commit));
  assert.deepEqual(await configMapNames(first), ['moved']);
  await syncs.update(controllerNs, 'mover', (o) => {
    o.spec['targetNamespace'] = second;
  });
  const moved = await syncs.waitFor(controllerNs, 'mover', 'Ready in the new namespace', (o) =>
    ids(o).includes(`${second}_moved__ConfigMap`),
  );
  assert.equal(moved.status?.lastAppliedRevision, `main@sha1:${commit}`, 'the same revision');
  assert.deepEqual(await configMapNames(second), ['moved']);
  assert.deepEqual(await configMapNames(first), [], 'pruned where it was');
});
