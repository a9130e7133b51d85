// High availability that cannot split (issue "Faults, limits and migration fidelity", section 2): two
// gitseal-controller processes with leader election against the real kube-apiserver. The leader is paused with
// SIGSTOP in the middle of a 1,000-object sync, past its lease; the other takes over and applies a newer revision;
// then the paused one is resumed with SIGCONT. It must send nothing after the pause: no object of its older
// revision survives, no status, no history entry (only requests already sent before the pause may still land).
import assert from 'node:assert/strict';
import { after, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoordinationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { crdPath, createTestNamespace, installCrd, kubeConfigFor, sharedControlPlane } from '../support/index.js';
import { startControllerProcess, waitFor, type ControllerProcess } from './controller-harness.js';
import {
  createGitRepo,
  createSyncNamespace,
  finishSyncTests,
  GitSyncs,
  readyAt,
  TENANT_SERVICE_ACCOUNT,
  type GitRepo,
} from './sync-harness.js';

const COUNT = 1000;
const plane = sharedControlPlane();
const repos: GitRepo[] = [];
let stopped: ControllerProcess | undefined;

after(async () => {
  if (stopped) process.kill(stopped.pid, 'SIGCONT');
  await finishSyncTests('sync-fencing.log', repos, []);
});

function configMaps(value: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (let start = 0; start < COUNT; start += 100) {
    const docs = [];
    for (let i = start; i < start + 100; i++) {
      docs.push(
        JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { value } }),
      );
    }
    files[`app/cm-${start}.yaml`] = docs.join('\n---\n');
  }
  return files;
}

async function holder(kc: KubeConfig, namespace: string): Promise<string | undefined> {
  const lease = await kc
    .makeApiClient(CoordinationV1Api)
    .readNamespacedLease({ namespace, name: 'gitseal-controller' })
    .catch(() => undefined);
  return lease?.spec?.holderIdentity ?? undefined;
}

const holds = (identity: string | undefined, controller: ControllerProcess): boolean =>
  identity?.includes(`_${controller.pid}_`) === true;

test('a leader paused past its lease mid-sync writes nothing once resumed', async (t: TestContext) => {
  const cp = plane.use(t);
  if (!cp) return;
  const kc = kubeConfigFor(cp.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
  await installCrd(kc, crdPath('gitsyncs.gitseal.dev.yaml'));
  const controllerNs = await createTestNamespace(kc, 'gitseal-system');
  const args = [
    ...['--namespace', controllerNs, '--key-size', '2048', '--rsa-workers', '1'],
    ...['--git-allow-file', '--resync-period', '0', '--default-service-account', TENANT_SERVICE_ACCOUNT],
    ...['--leader-elect-lease-duration', '3s', '--leader-elect-renew-deadline', '2s'],
    ...['--leader-elect-retry-period', '250ms'],
  ];
  const a = await startControllerProcess(cp.kubeconfigPath, args, { leaderElect: true, waitReady: false });
  await waitFor('A leads', async () => (holds(await holder(kc, controllerNs), a) ? true : undefined), 60_000);
  const b = await startControllerProcess(cp.kubeconfigPath, args, { leaderElect: true, waitReady: false });

  const ns = await createSyncNamespace(kc, 'fencing');
  const repo = createGitRepo();
  repos.push(repo);
  repo.commit(configMaps('old'));
  const syncs = new GitSyncs(kc);
  await syncs.create(ns, 'app', { source: { url: repo.url, path: 'app' }, interval: '1h' });

  // Pause A once it is writing its revision (the dry run is over, some objects are applied, most are not).
  const count = async (): Promise<number> =>
    (await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'gitseal.dev/sync' })).items.length;
  const atPause = await waitFor(
    'A applying',
    async () => {
      const n = await count();
      return n >= 20 ? n : undefined;
    },
    120_000,
    20,
  );
  process.kill(a.pid, 'SIGSTOP');
  stopped = a;
  assert.ok(atPause < COUNT, `A was paused mid-sync (${atPause} of ${COUNT} applied)`);

  const newer = repo.commit(configMaps('new'));
  await waitFor('B leads', async () => (holds(await holder(kc, controllerNs), b) ? true : undefined), 30_000);
  await syncs.trigger(ns, 'app');
  const synced = await syncs.waitFor(ns, 'app', 'Ready at the newer revision', readyAt(newer), 120_000);
  const before = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'gitseal.dev/sync' });
  assert.equal(before.items.length, COUNT);
  assert.ok(before.items.every((c) => c.data?.['value'] === 'new'));

  process.kill(a.pid, 'SIGCONT');
  stopped = undefined;
  await sleep(6_000);
  const afterResume = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'gitseal.dev/sync' });
  const rewritten = afterResume.items.filter((c) => c.data?.['value'] !== 'new').map((c) => c.metadata?.name);
  assert.deepEqual(rewritten, [], 'no object of the older revision was written after the pause');
  // A request A had already sent when it was paused can still be executed late by a loaded API server (queued by
  // priority and fairness): at most the applies it had in flight (4), and B's drift watch puts them back. Nothing
  // is sent after the pause, so anything more would be a fencing failure.
  const versions = new Map(before.items.map((c) => [c.metadata?.name, c.metadata?.resourceVersion]));
  const touched = afterResume.items.filter((c) => versions.get(c.metadata?.name) !== c.metadata?.resourceVersion);
  assert.ok(
    touched.length <= 4,
    `${touched.length} objects written after the pause: ${touched.map((c) => c.metadata?.name).join(', ')}`,
  );
  const now = await syncs.get(ns, 'app');
  assert.equal(now.status?.lastAppliedRevision, synced.status?.lastAppliedRevision, 'the status is still B’s');
  // B may have healed one of A's late-executed applies meanwhile: that re-applies the same revision and replaces
  // its newest history entry with one that counts the change. What A must not leave is an entry of its own.
  const attempts = (o: typeof now) => (o.status?.history ?? []).map((h) => [h.revision, h.digest, h.result]);
  assert.deepEqual(attempts(now), attempts(synced), 'no history entry from A');
  assert.match(a.output(), /no longer the leader/, 'A saw its writes refused');
  assert.equal(a.child.exitCode, null, 'A keeps running as a follower');
});
