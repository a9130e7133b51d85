// Sync waves, hooks and spec.createNamespace end to end: gitseal-controller as a process against the real
// kube-apiserver, GitSyncs over real Git repositories. The API-only control plane runs no kube-controller-manager,
// so the test plays its part where a wave or a hook waits on one: it writes a Deployment's rollout status, and a
// hook Job's Complete / Failed conditions, through the status subresource exactly as the controllers would
// (SuccessCriteriaMet before Complete, FailureTarget before Failed, as the API server demands).
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppsV1Api, BatchV1Api, CoreV1Api, type KubeConfig, type V1Job } from '@kubernetes/client-node';
import { assertOk, requestRaw } from '@gitseal/kube';
import { metricValue, waitFor, type ControllerProcess } from './controller-harness.js';
import {
  configMapJson,
  createSyncNamespace,
  failedWith,
  gitSyncCondition,
  type GitSyncs,
  orAbsent,
  readyAt,
  syncSuite,
} from './sync-harness.js';

const suite = syncSuite('sync-waves-hooks.log');
const newRepo = suite.newRepo;
let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;
let batch: BatchV1Api;
let syncs: GitSyncs;
let controller: ControllerProcess;
let controllerNs = '';

async function ready(t: TestContext): Promise<boolean> {
  const sync = await suite.ready(t);
  if (!sync) return false;
  ({ kc, core, syncs, controller, namespace: controllerNs } = sync);
  apps = kc.makeApiClient(AppsV1Api);
  batch = kc.makeApiClient(BatchV1Api);
  return true;
}

const readConfigMap = (namespace: string, name: string) => orAbsent(core.readNamespacedConfigMap({ namespace, name }));
const readDeployment = (namespace: string, name: string) =>
  orAbsent(apps.readNamespacedDeployment({ namespace, name }));

function deploymentJson(name: string, annotations: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, annotations },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'registry.invalid/app:1' }] },
      },
    },
  });
}

function jobJson(metadata: { name?: string; generateName?: string }, annotations: Record<string, string>, arg: string) {
  return JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { ...metadata, annotations },
    spec: {
      backoffLimit: 0,
      template: {
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'registry.invalid/tool:1', args: [arg] }] },
      },
    },
  });
}

/** A merge patch of an object's status subresource, as the object's controller would write it. */
async function patchStatus(path: string, status: Record<string, unknown>): Promise<void> {
  const response = await requestRaw(kc, {
    method: 'PATCH',
    path: `${path}/status`,
    headers: { 'Content-Type': 'application/merge-patch+json' },
    body: JSON.stringify({ status }),
    what: `patch ${path}/status`,
  });
  assertOk(response, `patch ${path}/status`);
}

/** What the Deployment controller writes once one replica is up. */
async function rollOut(namespace: string, name: string): Promise<void> {
  const generation = (await apps.readNamespacedDeployment({ namespace, name })).metadata?.generation;
  await patchStatus(`/apis/apps/v1/namespaces/${namespace}/deployments/${name}`, {
    observedGeneration: generation,
    replicas: 1,
    updatedReplicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    // kstatus also wants the Deployment controller's verdict: the new ReplicaSet available, the Deployment Available.
    conditions: [
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
    ],
  });
}

/** What the Job controller writes when the Job's pod succeeded (or failed, with backoffLimit 0). */
async function finishJob(namespace: string, name: string, succeeded: boolean): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const condition = (type: string, reason: string) => ({
    type,
    status: 'True',
    reason,
    lastProbeTime: now,
    lastTransitionTime: now,
  });
  const status = succeeded
    ? {
        startTime: now,
        completionTime: now,
        succeeded: 1,
        conditions: [
          condition('SuccessCriteriaMet', 'CompletionsReached'),
          condition('Complete', 'CompletionsReached'),
        ],
      }
    : {
        startTime: now,
        failed: 1,
        conditions: [condition('FailureTarget', 'BackoffLimitExceeded'), condition('Failed', 'BackoffLimitExceeded')],
      };
  await patchStatus(`/apis/batch/v1/namespaces/${namespace}/jobs/${name}`, status);
}

/** The hook Jobs gitseal created for GitSync `namespace/name`, oldest first. */
async function hookJobs(namespace: string, name: string): Promise<V1Job[]> {
  const list = await batch.listNamespacedJob({ namespace, labelSelector: `gitseal.dev/hook-of=${namespace}.${name}` });
  return list.items.sort((a, b) => Number(a.metadata?.resourceVersion) - Number(b.metadata?.resourceVersion));
}

const reconciles = (): Promise<number> =>
  metricValue(controller, 'gitseal_reconcile_duration_seconds_count', '{kind="GitSync"}');

/** Triggers a sync of the GitSync and waits until the controller finished it (and then one more). */
async function resync(namespace: string, name: string): Promise<void> {
  const before = await reconciles();
  await syncs.trigger(namespace, name);
  await waitFor('the triggered resync', async () => (await reconciles()) > before, 30_000, 100);
}

/** The one PostSync ConfigMap hook of GitSync `namespace/app` exists, was created after `after`, has no sync label. */
async function assertPostSyncRanAfter(namespace: string, after: string): Promise<void> {
  const labelSelector = `gitseal.dev/hook-of=${namespace}.app`;
  const hooks = (await core.listNamespacedConfigMap({ namespace, labelSelector })).items;
  assert.equal(hooks.length, 1);
  const [hook] = hooks;
  assert.match(hook?.metadata?.name ?? '', /^deployed-/);
  const before = await readConfigMap(namespace, after);
  assert.ok(Number(hook?.metadata?.resourceVersion) > Number(before?.metadata?.resourceVersion));
  assert.equal(hook?.metadata?.labels?.['gitseal.dev/sync'], undefined, 'hooks do not carry the sync label');
}

/** A resync of the same revision and a drift correction (deleted ConfigMap `config`) run no hook again. */
async function assertNoHookRerun(namespace: string, name: string, jobs: readonly string[]): Promise<void> {
  await resync(namespace, name);
  await core.deleteNamespacedConfigMap({ namespace, name: 'config' });
  await waitFor('drift corrected', () => readConfigMap(namespace, 'config'), 30_000, 100);
  await resync(namespace, name);
  assert.deepEqual(
    (await hookJobs(namespace, name)).map((j) => j.metadata?.name),
    jobs,
  );
}

test('three sync waves are applied in order, each healthy before the next (gitseal and Argo CD annotations)', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'waves');
  const repo = newRepo();
  const commit = repo.commit({
    'app/late.yaml': JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'late', annotations: { 'gitseal.dev/sync-wave': '5' } },
      data: { wave: '5' },
    }),
    'app/api.yaml': deploymentJson('api', { 'argocd.argoproj.io/sync-wave': '0' }),
    'app/db.yaml': deploymentJson('db', { 'gitseal.dev/sync-wave': '-1' }),
  });
  await syncs.create(ns, 'app', {
    source: { url: repo.url, ref: { branch: 'main' }, path: 'app' },
    interval: '1h',
    timeout: '3m',
  });
  await waitFor('wave -1 (Deployment db) applied', () => readDeployment(ns, 'db'), 60_000, 100);
  await sleep(2_000);
  assert.equal(await readDeployment(ns, 'api'), undefined, 'wave 0 waits while wave -1 is not ready');
  assert.equal(await readConfigMap(ns, 'late'), undefined);
  assert.equal(gitSyncCondition(await syncs.get(ns, 'app'), 'Reconciling')?.status, 'True');

  await rollOut(ns, 'db');
  await waitFor('wave 0 (Deployment api) applied', () => readDeployment(ns, 'api'), 30_000, 100);
  await sleep(2_000);
  assert.equal(await readConfigMap(ns, 'late'), undefined, 'wave 5 waits while wave 0 is not ready');

  await rollOut(ns, 'api');
  const synced = await syncs.waitFor(ns, 'app', 'Ready after the last wave', readyAt(commit), 60_000);
  const late = await readConfigMap(ns, 'late');
  const api = await readDeployment(ns, 'api');
  const db = await readDeployment(ns, 'db');
  assert.equal(late?.data?.['wave'], '5');
  const created = (o: { metadata?: { creationTimestamp?: Date } } | undefined) => o?.metadata?.creationTimestamp;
  assert.ok(created(db)! <= created(api)! && created(api)! <= created(late)!);
  assert.equal(synced.status?.inventory?.entries.length, 3);

  // A no-op resync waits for nothing and writes nothing, even with every wave still annotated.
  const versions = [late?.metadata?.resourceVersion, api?.metadata?.resourceVersion];
  await resync(ns, 'app');
  const again = [
    (await readConfigMap(ns, 'late'))?.metadata?.resourceVersion,
    (await readDeployment(ns, 'api'))?.metadata?.resourceVersion,
  ];
  assert.deepEqual(again, versions);
});

test('PreSync hooks with generateName run once per revision, created afresh (BeforeHookCreation); PostSync after', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'hooks');
  const repo = newRepo();
  const migrate = (arg: string) => jobJson({ generateName: 'migrate-' }, { 'argocd.argoproj.io/hook': 'PreSync' }, arg);
  const notify = JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { generateName: 'deployed-', annotations: { 'gitseal.dev/hook': 'PostSync' } },
    data: { note: 'deployed' },
  });
  const first = repo.commit({
    'hooks/migrate.yaml': migrate('v1'),
    'hooks/notify.yaml': notify,
    'app/config.yaml': configMapJson('config', { version: 'one' }),
  });
  await syncs.create(ns, 'app', { source: { url: repo.url, ref: { branch: 'main' } }, interval: '1h', timeout: '3m' });
  const [job1] = await waitFor('the PreSync Job', async () => {
    const jobs = await hookJobs(ns, 'app');
    return jobs.length > 0 && jobs;
  });
  const name1 = job1?.metadata?.name ?? '';
  assert.match(name1, /^migrate-[a-z0-9]{5}$/);
  await sleep(1_500);
  assert.equal(await readConfigMap(ns, 'config'), undefined, 'nothing of the main phase before PreSync succeeded');
  await finishJob(ns, name1, true);
  const synced = await syncs.waitFor(ns, 'app', 'Ready after the PreSync hook', readyAt(first), 60_000);
  assert.equal((await readConfigMap(ns, 'config'))?.data?.['version'], 'one');
  assert.deepEqual(
    synced.status?.inventory?.entries.map((e) => e.id),
    [`${ns}_config__ConfigMap`],
    'hooks are not in the inventory',
  );
  await assertPostSyncRanAfter(ns, 'config');
  // The same revision again, and a drift correction: no hook runs again, nothing is written.
  await assertNoHookRerun(ns, 'app', [name1]);

  // A new revision: the earlier Job is deleted first, a new one created from the changed template.
  const second = repo.commit({
    'hooks/migrate.yaml': migrate('v2'),
    'app/config.yaml': configMapJson('config', { version: 'two' }),
  });
  await syncs.trigger(ns, 'app');
  const job2 = await waitFor('the second PreSync Job', async () => {
    const jobs = await hookJobs(ns, 'app');
    return jobs.length === 1 && jobs[0]?.metadata?.name !== name1 && jobs[0];
  });
  assert.deepEqual(job2.spec?.template.spec?.containers[0]?.args, ['v2']);
  assert.equal((await readConfigMap(ns, 'config'))?.data?.['version'], 'one');
  await finishJob(ns, job2.metadata?.name ?? '', true);
  await syncs.waitFor(ns, 'app', 'Ready at the second revision', readyAt(second), 60_000);
  assert.equal((await readConfigMap(ns, 'config'))?.data?.['version'], 'two');
});

test('a failing PreSync hook stops the revision, runs SyncFail; a fixed named hook is recreated, HookSucceeded deletes it', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'hook-fail');
  const repo = newRepo();
  const good = repo.commit({ 'config.yaml': configMapJson('config', { version: 'one' }) });
  await syncs.create(ns, 'app', { source: { url: repo.url, ref: { branch: 'main' } }, interval: '1h', timeout: '3m' });
  await syncs.waitFor(ns, 'app', 'Ready', readyAt(good));

  const bad = repo.commit({
    'config.yaml': configMapJson('config', { version: 'two' }),
    'extra.yaml': configMapJson('extra', { x: 'y' }),
    'hooks/check.yaml': jobJson({ name: 'check' }, { 'gitseal.dev/hook': 'PreSync' }, 'one'),
    'hooks/failed.yaml': JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'sync-failed', annotations: { 'argocd.argoproj.io/hook': 'SyncFail' } },
      data: { failed: 'true' },
    }),
  });
  await syncs.trigger(ns, 'app');
  await waitFor('the PreSync Job check', () => orAbsent(batch.readNamespacedJob({ namespace: ns, name: 'check' })));
  await finishJob(ns, 'check', false);
  const failed = await syncs.waitFor(ns, 'app', 'HookFailed', failedWith('HookFailed', bad), 60_000);
  assert.equal(
    gitSyncCondition(failed, 'Ready')?.message,
    `PreSync hook Job ${ns}/check (hooks/check.yaml#0): job failed (BackoffLimitExceeded)`,
  );
  assert.equal((await readConfigMap(ns, 'config'))?.data?.['version'], 'one', 'nothing of the main phase written');
  assert.equal(await readConfigMap(ns, 'extra'), undefined);
  const syncFail = await readConfigMap(ns, 'sync-failed');
  assert.equal(syncFail?.metadata?.labels?.['gitseal.dev/hook-of'], `${ns}.app`, 'the SyncFail hook ran');
  assert.equal(failed.status?.lastAppliedRevision, `main@sha1:${good}`);

  // Fixed: the changed template of the named Job would be refused by an apply (immutable); it is created afresh.
  const fixed = repo.commit({
    'hooks/check.yaml': jobJson(
      { name: 'check' },
      { 'gitseal.dev/hook': 'PreSync', 'gitseal.dev/hook-delete-policy': 'BeforeHookCreation,HookSucceeded' },
      'two',
    ),
  });
  await syncs.trigger(ns, 'app');
  await waitFor('the recreated Job check', async () => {
    const job = await orAbsent(batch.readNamespacedJob({ namespace: ns, name: 'check' }));
    return job?.spec?.template.spec?.containers[0]?.args?.[0] === 'two' && job;
  });
  await finishJob(ns, 'check', true);
  await syncs.waitFor(ns, 'app', 'Ready after the fixed hook', readyAt(fixed), 60_000);
  assert.equal((await readConfigMap(ns, 'config'))?.data?.['version'], 'two');
  assert.equal((await readConfigMap(ns, 'extra'))?.data?.['x'], 'y');
  assert.equal(
    await orAbsent(batch.readNamespacedJob({ namespace: ns, name: 'check' })),
    undefined,
    'HookSucceeded deleted the Job',
  );
});

test('a Sync hook runs inside its wave; a Skip object is neither applied nor in the inventory', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'sync-hook');
  const repo = newRepo();
  const cm = (name: string, annotations: Record<string, string>, generate = false) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { ...(generate ? { generateName: name } : { name }), annotations },
      data: { name },
    });
  const commit = repo.commit({
    'first.yaml': cm('first', { 'gitseal.dev/sync-wave': '0' }),
    'during.yaml': cm('during-', { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '1' }, true),
    'last.yaml': cm('last', { 'gitseal.dev/sync-wave': '2' }),
    'skipped.yaml': cm('skipped', { 'argocd.argoproj.io/hook': 'Skip' }),
  });
  await syncs.create(ns, 'app', { source: { url: repo.url, ref: { branch: 'main' } }, interval: '1h' });
  const synced = await syncs.waitFor(ns, 'app', 'Ready', readyAt(commit));
  assert.deepEqual(
    synced.status?.inventory?.entries.map((e) => e.id),
    [`${ns}_first__ConfigMap`, `${ns}_last__ConfigMap`],
  );
  assert.equal(await readConfigMap(ns, 'skipped'), undefined);
  const hooks = (await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'gitseal.dev/hook-of' })).items;
  assert.equal(hooks.length, 1);
  const version = (o: { metadata?: { resourceVersion?: string } } | undefined) => Number(o?.metadata?.resourceVersion);
  const [first, last] = [await readConfigMap(ns, 'first'), await readConfigMap(ns, 'last')];
  assert.ok(version(first) < version(hooks[0]) && version(hooks[0]) < version(last), 'wave 0, the wave-1 hook, wave 2');
});

test("a tenant's hook outside its namespace is refused before anything is written", async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'hook-tenant');
  const other = await createSyncNamespace(kc, 'hook-other');
  const repo = newRepo();
  const commit = repo.commit({
    'config.yaml': configMapJson('config', { a: 'b' }),
    'hook.yaml': JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { generateName: 'escape-', namespace: other, annotations: { 'gitseal.dev/hook': 'PreSync' } },
    }),
  });
  await syncs.create(ns, 'app', { source: { url: repo.url, ref: { branch: 'main' } }, interval: '1h' });
  const refused = await syncs.waitFor(ns, 'app', 'refused', failedWith('ObjectOutsideNamespace', commit));
  assert.match(
    gitSyncCondition(refused, 'Ready')?.message ?? '',
    new RegExp(`^hook\\.yaml#0: ConfigMap ${other}/escape-\\*: is in namespace ${other}`),
  );
  assert.equal(
    (await core.listNamespacedConfigMap({ namespace: other, labelSelector: 'gitseal.dev/hook-of' })).items.length,
    0,
  );
  assert.equal(await readConfigMap(ns, 'config'), undefined);
});

test('spec.createNamespace creates a missing targetNamespace; without it the error says so', async (t) => {
  if (!(await ready(t))) return;
  const target = `created-${Date.now().toString(36)}`;
  const repo = newRepo();
  const commit = repo.commit({ 'config.yaml': configMapJson('config', { a: 'b' }) });
  const name = `infra-${target}`;
  await syncs.create(controllerNs, name, {
    source: { url: repo.url, ref: { branch: 'main' } },
    interval: '1h',
    targetNamespace: target,
  });
  const failed = await syncs.waitFor(controllerNs, name, 'failed', failedWith('ApplyFailed', commit));
  assert.equal(
    gitSyncCondition(failed, 'Ready')?.message,
    `spec.targetNamespace ${target}: Namespace not found (create it, or set spec.createNamespace: true)`,
  );
  await syncs.update(controllerNs, name, (o) => {
    o.spec['createNamespace'] = true;
  });
  await syncs.waitFor(controllerNs, name, 'Ready', readyAt(commit));
  const namespace = await core.readNamespace({ name: target });
  assert.equal(namespace.metadata?.annotations?.['gitseal.dev/created-by'], `${controllerNs}.${name}`);
  assert.equal((await readConfigMap(target, 'config'))?.data?.['a'], 'b');
  // The Namespace is not in the inventory: it is never pruned.
  const synced = await syncs.get(controllerNs, name);
  assert.deepEqual(
    synced.status?.inventory?.entries.map((e) => e.id),
    [`${target}_config__ConfigMap`],
  );
});
