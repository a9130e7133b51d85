// Limits of the sync engine against the real kube-apiserver, gitseal-controller as a process: a Git source over
// --git-max-size fails clearly, the Git cache of a deleted GitSync is removed, and a source that always fails is
// retried on a backoff schedule, not in a loop.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test, type TestContext } from 'node:test';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { sharedControlPlane } from '../support/index.js';
import { metricValue, waitFor, type ControllerProcess } from './controller-harness.js';
import {
  configMapJson,
  createGitRepo,
  createSyncNamespace,
  failedWith,
  finishSyncTests,
  GitSyncs,
  gitSyncCondition,
  readyAt,
  startSyncController,
  type GitRepo,
} from './sync-harness.js';

const plane = sharedControlPlane();
const repos: GitRepo[] = [];
let kc: KubeConfig;
let syncs: GitSyncs;
let controller: ControllerProcess;
let setup: Promise<void> | undefined;

async function ready(t: TestContext): Promise<boolean> {
  const cp = plane.use(t);
  if (!cp) return false;
  setup ??= (async () => {
    ({ kc, syncs, controller } = await startSyncController(cp.kubeconfigPath, ['--git-max-size', '1Mi']));
  })();
  await setup;
  return true;
}

after(() => finishSyncTests('sync-limits.log', repos, []));

function newRepo(): GitRepo {
  const repo = createGitRepo();
  repos.push(repo);
  return repo;
}

const remove = (namespace: string, name: string): Promise<unknown> =>
  kc
    .makeApiClient(CustomObjectsApi)
    .deleteNamespacedCustomObject({ group: 'gitseal.dev', version: 'v1alpha1', plural: 'gitsyncs', namespace, name });

const cachedRepos = (): string[] => {
  const dir = join(controller.gitCacheDir ?? '', 'repos');
  return existsSync(dir) ? readdirSync(dir) : [];
};

test('a Git source over --git-max-size fails with both sizes named, and its cache is not kept', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'big');
  const repo = newRepo();
  repo.commit({
    'app/cm.json': configMapJson('small', { k: 'v' }),
    'blobs/noise.bin': randomBytes(2 * 1024 * 1024).toString('base64'),
  });
  await syncs.create(ns, 'big', { source: { url: repo.url, path: 'app' }, interval: '1h' });
  const failed = await syncs.waitFor(ns, 'big', 'GitFetchFailed', failedWith('GitFetchFailed'));
  assert.match(
    gitSyncCondition(failed, 'Ready')?.message ?? '',
    /the fetched repository is \d+\.\d MiB, over the limit of 1\.0 MiB \(the controller's --git-max-size\)/,
  );
  assert.deepEqual(cachedRepos(), [], 'the oversized cache was removed');
  await remove(ns, 'big');
});

test('the Git cache of a deleted GitSync is removed', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'cache');
  const repo = newRepo();
  const commit = repo.commit({ 'app/cm.json': configMapJson('cached', { k: 'v' }) });
  await syncs.create(ns, 'cached', { source: { url: repo.url, path: 'app' }, interval: '1h', prune: false });
  await syncs.waitFor(ns, 'cached', 'Ready', readyAt(commit));
  assert.equal(cachedRepos().length, 1, 'one cached repository while it is used');
  await kc.makeApiClient((await import('@kubernetes/client-node')).CustomObjectsApi).deleteNamespacedCustomObject({
    group: 'gitseal.dev',
    version: 'v1alpha1',
    plural: 'gitsyncs',
    namespace: ns,
    name: 'cached',
  });
  await waitFor('the cache removed', async () => (cachedRepos().length === 0 ? true : undefined), 30_000, 250);
});

test('a source that always fails is retried on a backoff, not in a loop', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'failing');
  const before = await metricValue(controller, 'gitseal_reconcile_duration_seconds_count', '{kind="GitSync"}');
  await syncs.create(ns, 'failing', {
    source: { url: `file:///nonexistent/${ns}.git` },
    interval: '10s',
  });
  await syncs.waitFor(ns, 'failing', 'GitFetchFailed', failedWith('GitFetchFailed'));
  await sleep(20_000);
  const syncsIn20s =
    (await metricValue(controller, 'gitseal_reconcile_duration_seconds_count', '{kind="GitSync"}')) - before;
  // Backoff 2 s, 4 s, 8 s, 10 s (± 20 %): at most 5 attempts in ~21 s, whatever the interval says.
  assert.ok(syncsIn20s >= 3 && syncsIn20s <= 6, `${syncsIn20s} syncs in 20 s`);
});

test('eight GitSyncs of a Git server that never answers do not hold up another tenant', async (t) => {
  if (!(await ready(t))) return;
  // Accepts every connection and never says a word.
  const sockets: Socket[] = [];
  const hung = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    hung.close();
  });
  const port = (hung.address() as AddressInfo).port;
  const stuck = await createSyncNamespace(kc, 'hung');
  for (let i = 0; i < 8; i++) {
    await syncs.create(stuck, `hung-${i}`, {
      source: { url: `http://127.0.0.1:${port}/repo-${i}.git` },
      interval: '1h',
    });
  }
  await waitFor('the hung fetches to start', async () => (sockets.length >= 2 ? true : undefined), 30_000, 100);
  const other = await createSyncNamespace(kc, 'bystander');
  const repo = newRepo();
  const commit = repo.commit({ 'app/cm.json': configMapJson('fine', { k: 'v' }) });
  const started = Date.now();
  await syncs.create(other, 'fine', { source: { url: repo.url, path: 'app' }, interval: '1h' });
  await syncs.waitFor(other, 'fine', 'Ready', readyAt(commit), 15_000);
  const waited = Date.now() - started;
  assert.ok(waited < 10_000, `the other tenant's GitSync was Ready after ${waited} ms`);
  // The hung server's GitSyncs give up on their own (git's low-speed limit), with a clear reason.
  const gaveUp = await syncs.waitFor(stuck, 'hung-0', 'GitFetchFailed', failedWith('GitFetchFailed'), 90_000);
  assert.match(gitSyncCondition(gaveUp, 'Ready')?.message ?? '', /127\.0\.0\.1/);
  for (let i = 0; i < 8; i++) await remove(stuck, `hung-${i}`);
});
