// Limits of the sync engine against the real kube-apiserver, gitseal-controller as a process: a Git source over
// --git-max-size fails clearly, the Git cache of a deleted GitSync is removed, and a source that always fails is
// retried on a backoff schedule, not in a loop.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test, type TestContext } from 'node:test';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { metricValue, waitFor, type ControllerProcess } from './controller-harness.js';
import {
  configMapJson,
  createSyncNamespace,
  failedWith,
  gitSyncCondition,
  GitSyncs,
  readyAt,
  serveOverHttp,
  syncSuite,
} from './sync-harness.js';

const suite = syncSuite('sync-limits.log', ['--git-max-size', '1Mi']);
const newRepo = suite.newRepo;
let kc: KubeConfig;
let syncs: GitSyncs;
let controller: ControllerProcess;

async function ready(t: TestContext): Promise<boolean> {
  const sync = await suite.ready(t);
  if (!sync) return false;
  ({ kc, syncs, controller } = sync);
  return true;
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

/**
 * A TCP front for a Git server on a port of its own: `cut()` closes it (new connections refused, open ones cut
 * mid-transfer), `restore()` listens again on the same port.
 */
async function gitFront(target: URL): Promise<{ url: string; cut(): void; restore(): Promise<void>; close(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${target.protocol}//127.0.0.1:${port}${target.pathname}`,
    cut() {
      server.close();
      for (const s of sockets) s.destroy();
    },
    restore: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close() {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}

test('the Git server goes away and comes back: nothing is lost, the new commit is applied once it is back', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'git-away');
  const repo = newRepo();
  const first = repo.commit({
    'app/a.json': configMapJson('a', { v: '1' }),
    'app/b.json': configMapJson('b', { v: '1' }),
  });
  const server = await serveOverHttp(repo.bare, 'Basic Z2l0OmF3YXk=');
  await kc.makeApiClient(CoreV1Api).createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'git' }, stringData: { username: 'git', password: 'away' } },
  });
  const front = await gitFront(new URL(server.url));
  t.after(() => {
    front.close();
    server.close();
  });
  await syncs.create(ns, 'app', {
    source: { url: front.url, path: 'app', secretRef: { name: 'git' } },
    interval: '1h',
  });
  await syncs.waitFor(ns, 'app', 'Ready', readyAt(first));

  front.cut();
  const second = repo.commit({ 'app/b.json': null, 'app/c.json': configMapJson('c', { v: '2' }) });
  await syncs.trigger(ns, 'app');
  const failed = await syncs.waitFor(ns, 'app', 'GitFetchFailed', failedWith('GitFetchFailed'));
  assert.equal(failed.status?.lastAppliedRevision, `main@sha1:${first}`);
  const names = async (): Promise<string[]> =>
    (
      await kc.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: ns, labelSelector: 'gitseal.dev/sync' })
    ).items
      .map((c) => c.metadata?.name ?? '')
      .sort();
  assert.deepEqual(await names(), ['a', 'b'], 'nothing pruned or lost while the server is away');

  await front.restore();
  // Retried on the backoff (2 s, 4 s, 8 s, …): back within a few attempts, no trigger needed.
  await syncs.waitFor(ns, 'app', 'Ready at the new commit', readyAt(second), 60_000);
  assert.deepEqual(await names(), ['a', 'c']);
});
