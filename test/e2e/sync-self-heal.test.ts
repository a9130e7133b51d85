// Self-heal that keeps its promise, end to end: gitseal-controller as a process against the real kube-apiserver.
// Drift is undone while the head revision is refused, after a controller restart, in labels of objects that have
// a generation; requests leave status.lastHandledRequestedAt; `gitseal.dev/ssa` and spec.ignoreDifferences
// leave fields to other owners.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppsV1Api, CoreV1Api, type KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { marker, runCli } from './cli-harness.js';
import { b64, startControllerProcess, waitFor, type ControllerProcess } from './controller-harness.js';
import {
  configMapJson,
  createSyncNamespace,
  failedWith,
  type GitRepo,
  gitSyncCondition,
  type GitSyncs,
  readyAt,
  syncControllerArgs,
  syncSuite,
} from './sync-harness.js';

const suite = syncSuite('sync-self-heal.log');
const { markers, newRepo } = suite;
let kubeconfigPath = '';
let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;
let syncs: GitSyncs;
let controller: ControllerProcess;
let controllerNs = '';

async function ready(t: TestContext): Promise<boolean> {
  const sync = await suite.ready(t);
  if (!sync) return false;
  kubeconfigPath = sync.plane.kubeconfigPath;
  ({ kc, core, syncs, controller, namespace: controllerNs } = sync);
  apps = kc.makeApiClient(AppsV1Api);
  return true;
}

const deploymentJson = (
  name: string,
  options: { replicas?: number; image?: string; annotations?: Record<string, string> } = {},
): string =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { tier: 'web' }, ...(options.annotations ? { annotations: options.annotations } : {}) },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: options.image ?? 'registry.invalid/app:1' }] },
      },
    },
  });

async function readDeployment(namespace: string, name: string): Promise<V1Deployment | undefined> {
  return apps.readNamespacedDeployment({ namespace, name }).catch((error: { code?: number }) => {
    if (error.code === 404) return undefined;
    throw error;
  });
}

async function readConfigMap(namespace: string, name: string) {
  return core.readNamespacedConfigMap({ namespace, name }).catch((error: { code?: number }) => {
    if (error.code === 404) return undefined;
    throw error;
  });
}

const imageOf = (d: V1Deployment | undefined) => d?.spec?.template.spec?.containers[0]?.image;

/** Read-modify-write of a Deployment, the way `kubectl edit` does it (an update: other managers lose the fields). */
async function editDeployment(namespace: string, name: string, change: (d: V1Deployment) => void): Promise<void> {
  const live = await apps.readNamespacedDeployment({ namespace, name });
  change(live);
  await apps.replaceNamespacedDeployment({ namespace, name, body: live });
}

/** A GitSync over a new repository holding `files`, Ready at its first commit. */
async function syncedApp(
  prefix: string,
  files: Record<string, string>,
  spec: Record<string, unknown> = {},
): Promise<{ ns: string; repo: GitRepo; commit: string }> {
  const ns = await createSyncNamespace(kc, prefix);
  const repo = newRepo();
  const commit = repo.commit(files);
  await syncs.create(ns, 'app', { source: { url: repo.url, ref: { branch: 'main' } }, interval: '1h', ...spec });
  await syncs.waitFor(ns, 'app', 'Ready', readyAt(commit));
  return { ns, repo, commit };
}

test('while the head is refused (plaintext Secret), a deleted Deployment comes back as last applied', async (t) => {
  if (!(await ready(t))) return;
  const {
    ns,
    repo,
    commit: good,
  } = await syncedApp('heal-refused', {
    'web.yaml': deploymentJson('web', { image: 'registry.invalid/app:1' }),
    'settings.yaml': configMapJson('settings', { mode: 'one' }),
  });
  const plain = marker('refused-head');
  markers.push(plain);
  const bad = repo.commit({
    'web.yaml': deploymentJson('web', { image: 'registry.invalid/app:2' }),
    'new.yaml': configMapJson('new', { a: '1' }),
    'secret.yaml': JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { v: b64(plain) },
    }),
  });
  await syncs.trigger(ns, 'app');
  const refused = await syncs.waitFor(ns, 'app', 'refused', failedWith('PlaintextSecretInGit', bad));
  assert.match(gitSyncCondition(refused, 'Ready')?.message ?? '', /secret\.yaml/);
  assert.equal(refused.status?.lastAppliedRevision, `main@sha1:${good}`);

  await apps.deleteNamespacedDeployment({ namespace: ns, name: 'web' });
  const deletedAt = Date.now();
  const restored = await waitFor('Deployment restored', () => readDeployment(ns, 'web'), 15_000, 100);
  t.diagnostic(`deleted Deployment restored to the last applied revision in ${Date.now() - deletedAt} ms`);
  assert.equal(imageOf(restored), 'registry.invalid/app:1', 'the last applied content, not the refused head');
  assert.equal(restored.metadata?.labels?.['gitseal.dev/sync'], `${ns}.app`);

  await editDeployment(ns, 'web', (d) => {
    d.metadata!.labels = { ...d.metadata?.labels, tier: 'hacked' };
  });
  await waitFor('label healed', async () => (await readDeployment(ns, 'web'))?.metadata?.labels?.['tier'] === 'web');

  const after = await syncs.waitFor(ns, 'app', 'still refused', failedWith('PlaintextSecretInGit', bad));
  assert.equal(gitSyncCondition(after, 'Stalled')?.status, 'True');
  assert.match(
    gitSyncCondition(after, 'Ready')?.message ?? '',
    new RegExp(`drift is corrected to the last applied revision main@sha1:${good}$`),
  );
  assert.equal(after.status?.lastAppliedRevision, `main@sha1:${good}`);
  assert.equal(await readConfigMap(ns, 'new'), undefined, 'nothing of the refused head is applied');
  assert.equal(await core.readNamespacedSecret({ namespace: ns, name: 's' }).catch(() => undefined), undefined);

  const fixed = repo.commit({ 'secret.yaml': null });
  await syncs.trigger(ns, 'app');
  await syncs.waitFor(ns, 'app', 'fixed', readyAt(fixed));
  assert.equal(imageOf(await readDeployment(ns, 'web')), 'registry.invalid/app:2');
});

test('a label edited by hand on a synced Deployment is reverted within seconds', async (t) => {
  if (!(await ready(t))) return;
  const { ns } = await syncedApp('heal-label', { 'web.yaml': deploymentJson('web') });
  const generation = (await readDeployment(ns, 'web'))?.metadata?.generation;
  await editDeployment(ns, 'web', (d) => {
    d.metadata!.labels = { ...d.metadata?.labels, tier: 'hacked', added: 'by-hand' };
  });
  const edited = await readDeployment(ns, 'web');
  assert.equal(edited?.metadata?.generation, generation, 'a label edit leaves the generation alone');
  const started = Date.now();
  const healed = await waitFor(
    'label reverted',
    async () => {
      const d = await readDeployment(ns, 'web');
      return d?.metadata?.labels?.['tier'] === 'web' ? d : undefined;
    },
    15_000,
  );
  t.diagnostic(`label edit reverted in ${Date.now() - started} ms`);
  assert.equal(healed.metadata?.labels?.['added'], 'by-hand', 'a label gitseal does not set is not its business');
});

test('gitseal.dev/requested-at on an unchanged GitSync: status.lastHandledRequestedAt echoes it; sync now --wait', async (t) => {
  if (!(await ready(t))) return;
  const { ns, repo } = await syncedApp('heal-request', { 'cm.yaml': configMapJson('c', { a: '1' }) });
  const before = await syncs.get(ns, 'app');
  assert.equal(before.status?.lastHandledRequestedAt, undefined);
  const cmVersion = (await readConfigMap(ns, 'c'))?.metadata?.resourceVersion;
  const requestedAt = new Date().toISOString();
  await syncs.update(ns, 'app', (o) => {
    o.metadata.annotations = { ...o.metadata.annotations, 'gitseal.dev/requested-at': requestedAt };
  });
  const handled = await syncs.waitFor(
    ns,
    'app',
    'request handled',
    (o) => o.status?.lastHandledRequestedAt === requestedAt,
  );
  assert.equal(gitSyncCondition(handled, 'Ready')?.status, 'True');
  assert.deepEqual(handled.status?.history, before.status?.history, 'nothing changed, no new history entry');
  assert.equal((await readConfigMap(ns, 'c'))?.metadata?.resourceVersion, cmVersion, 'no write');

  const args = ['sync', 'now', 'app', '--wait', '--timeout', '30s', '-n', ns, '--kubeconfig', kubeconfigPath];
  const waited = await runCli(args);
  assert.equal(waited.code, 0, waited.stderr);
  const at = /sync requested at (\S+)/.exec(waited.stdout)?.[1];
  assert.match(waited.stdout, /: sync handled: Ready=True \(ReconciliationSucceeded\): Applied revision: main@sha1:/);
  assert.equal((await syncs.get(ns, 'app')).status?.lastHandledRequestedAt, at);

  const refused = repo.commit({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: [broken\n' });
  const failed = await runCli(args);
  assert.equal(failed.code, 1, failed.stdout);
  assert.match(failed.stderr, /: sync handled: Ready=False \(InvalidManifest\): cm\.yaml/);
  assert.equal((await syncs.get(ns, 'app')).status?.lastAttemptedRevision, `main@sha1:${refused}`);
});

test('ssa: IfNotPresent is created when missing and left as edited; ssa: Ignore is never applied', async (t) => {
  if (!(await ready(t))) return;
  const ifNotPresent = { 'gitseal.dev/ssa': 'IfNotPresent' };
  const seed = JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'seed', annotations: ifNotPresent },
    data: { v: 'from-git' },
  });
  const ignored = JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'ignored', annotations: { 'gitseal.dev/ssa': 'Ignore' } },
    data: { v: 'from-git' },
  });
  const { ns, repo } = await syncedApp('heal-ssa', {
    'seed.yaml': seed,
    'ignored.yaml': ignored,
    'plain.yaml': configMapJson('plain', { v: 'from-git' }),
  });
  assert.equal((await readConfigMap(ns, 'seed'))?.data?.['v'], 'from-git', 'IfNotPresent: created');
  assert.equal(await readConfigMap(ns, 'ignored'), undefined, 'Ignore: never applied');

  const seedLive = await core.readNamespacedConfigMap({ namespace: ns, name: 'seed' });
  await core.replaceNamespacedConfigMap({ namespace: ns, name: 'seed', body: { ...seedLive, data: { v: 'edited' } } });
  const plainLive = await core.readNamespacedConfigMap({ namespace: ns, name: 'plain' });
  await core.replaceNamespacedConfigMap({
    namespace: ns,
    name: 'plain',
    body: { ...plainLive, data: { v: 'edited' } },
  });
  await waitFor('plain healed', async () => (await readConfigMap(ns, 'plain'))?.data?.['v'] === 'from-git', 15_000);
  const commit = repo.commit({ 'seed.yaml': seed.replace('from-git', 'changed-in-git') });
  await syncs.trigger(ns, 'app');
  await syncs.waitFor(ns, 'app', 'new commit', readyAt(commit));
  assert.equal((await readConfigMap(ns, 'seed'))?.data?.['v'], 'edited', 'IfNotPresent: an existing object is left');
  assert.equal(await readConfigMap(ns, 'ignored'), undefined);

  await core.deleteNamespacedConfigMap({ namespace: ns, name: 'seed' });
  const recreated = await waitFor('seed recreated', () => readConfigMap(ns, 'seed'), 15_000);
  assert.equal(recreated.data?.['v'], 'changed-in-git', 'IfNotPresent: created again from Git when missing');
});

test('ignoreDifferences /spec/replicas: a scale by hand survives, other fields heal, a new one gets Git replicas', async (t) => {
  if (!(await ready(t))) return;
  const { ns } = await syncedApp(
    'heal-ignore',
    { 'web.yaml': deploymentJson('web', { replicas: 2 }) },
    { ignoreDifferences: [{ group: 'apps', kind: 'Deployment', name: 'web', jsonPointers: ['/spec/replicas'] }] },
  );
  assert.equal((await readDeployment(ns, 'web'))?.spec?.replicas, 2);
  const scale = await apps.readNamespacedDeploymentScale({ namespace: ns, name: 'web' });
  await apps.replaceNamespacedDeploymentScale({
    namespace: ns,
    name: 'web',
    body: { ...scale, spec: { replicas: 5 } },
  });
  await editDeployment(ns, 'web', (d) => {
    d.spec!.template.spec!.containers[0]!.image = 'registry.invalid/evil:1';
  });
  await waitFor(
    'image healed',
    async () => imageOf(await readDeployment(ns, 'web')) === 'registry.invalid/app:1',
    15_000,
  );
  assert.equal((await readDeployment(ns, 'web'))?.spec?.replicas, 5, 'the hand scale survived the heal');
  await syncs.trigger(ns, 'app');
  await sleep(3_000);
  await syncs.trigger(ns, 'app');
  await sleep(3_000);
  const synced = await syncs.get(ns, 'app');
  assert.equal(gitSyncCondition(synced, 'Ready')?.status, 'True');
  assert.equal((await readDeployment(ns, 'web'))?.spec?.replicas, 5, 'and two resyncs');

  await apps.deleteNamespacedDeployment({ namespace: ns, name: 'web' });
  const recreated = await waitFor('recreated', () => readDeployment(ns, 'web'), 15_000);
  assert.equal(recreated.spec?.replicas, 2, "a missing Deployment is created with Git's replicas");
});

test('drift made while the controller was down is undone after it starts; untouched objects are not written', async (t) => {
  if (!(await ready(t))) return;
  const { ns } = await syncedApp('heal-restart', {
    'web.yaml': deploymentJson('web'),
    'api.yaml': deploymentJson('api'),
    'edited.yaml': configMapJson('edited', { mode: 'git' }),
    'untouched.yaml': configMapJson('untouched', { mode: 'git' }),
  });
  const before = await syncs.get(ns, 'app');
  assert.equal(await controller.stop(), 0);
  const cm = await core.readNamespacedConfigMap({ namespace: ns, name: 'edited' });
  await core.replaceNamespacedConfigMap({ namespace: ns, name: 'edited', body: { ...cm, data: { mode: 'by-hand' } } });
  await editDeployment(ns, 'web', (d) => {
    d.spec!.template.spec!.containers[0]!.image = 'registry.invalid/evil:1';
  });
  const untouched = {
    cm: (await readConfigMap(ns, 'untouched'))?.metadata?.resourceVersion,
    api: (await readDeployment(ns, 'api'))?.metadata?.resourceVersion,
  };
  const startedAt = Date.now();
  controller = await startControllerProcess(kubeconfigPath, syncControllerArgs(controllerNs));
  await waitFor(
    'ConfigMap reverted',
    async () => (await readConfigMap(ns, 'edited'))?.data?.['mode'] === 'git',
    30_000,
  );
  await waitFor('image reverted', async () => imageOf(await readDeployment(ns, 'web')) === 'registry.invalid/app:1');
  t.diagnostic(`drift made while down undone ${Date.now() - startedAt} ms after the controller process started`);
  const synced = await syncs.waitFor(ns, 'app', 'history', (o) => o.status?.history?.[0]?.objectsChanged === 2);
  assert.equal(synced.status?.lastAppliedRevision, before.status?.lastAppliedRevision);
  assert.deepEqual(
    {
      cm: (await readConfigMap(ns, 'untouched'))?.metadata?.resourceVersion,
      api: (await readDeployment(ns, 'api'))?.metadata?.resourceVersion,
    },
    untouched,
    'untouched objects: 0 writes',
  );
});
