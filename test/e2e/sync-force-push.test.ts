// A force-pushed branch, end to end: gitseal-controller as a process syncs a GitSync on `main`, the branch is
// replaced by an unrelated history (objects changed, added and removed), then rewound to the first commit. The
// controller must follow both non-fast-forward moves through its Git cache (file:// and smart HTTP), apply the
// new tree, prune what left, and name the new commit in its status without any error condition on the way.
import assert from 'node:assert/strict';
import { after, test, type TestContext } from 'node:test';
import type { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { sharedControlPlane } from '../support/index.js';
import { marker } from './cli-harness.js';
import { b64 } from './controller-harness.js';
import {
  configMapJson,
  createGitRepo,
  finishSyncTests,
  gitSyncCondition,
  readyAt,
  serveOverHttp,
  createSyncNamespace,
  startSyncController,
  type GitRepo,
  type GitSyncObject,
  type GitSyncs,
} from './sync-harness.js';

const plane = sharedControlPlane();
const markers: string[] = [];
const repos: GitRepo[] = [];

let kc: KubeConfig;
let core: CoreV1Api;
let syncs: GitSyncs;
let setup: Promise<void> | undefined;

async function ready(t: TestContext): Promise<boolean> {
  const cp = plane.use(t);
  if (!cp) return false;
  setup ??= (async () => {
    ({ kc, core, syncs } = await startSyncController(cp.kubeconfigPath));
  })();
  await setup;
  return true;
}

after(() => finishSyncTests('sync-force-push.log', repos, markers));

async function configMapData(namespace: string, name: string): Promise<Record<string, string> | undefined> {
  try {
    return (await core.readNamespacedConfigMap({ namespace, name })).data ?? {};
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}

/** Ready at the commit, and nothing else went wrong on the way (no Stalled, no failed history entry for it). */
function assertCleanlyAt(o: GitSyncObject, commit: string): void {
  const revision = `main@sha1:${commit}`;
  assert.equal(o.status?.lastAppliedRevision, revision);
  assert.equal(o.status?.lastAttemptedRevision, revision);
  assert.equal(gitSyncCondition(o, 'Ready')?.status, 'True');
  assert.equal(gitSyncCondition(o, 'Stalled'), undefined);
  assert.equal(gitSyncCondition(o, 'Reconciling'), undefined);
  const [newest] = o.status?.history ?? [];
  assert.deepEqual({ revision: newest?.revision, result: newest?.result }, { revision, result: 'Succeeded' });
}

/** A → unrelated history B (one object changed, one removed, one added) → rewound to A. */
async function forcePushScenario(ns: string, name: string, repo: GitRepo, source: GitSyncObject['spec']['source']) {
  const first = repo.commit({
    'app/keep.yaml': configMapJson('keep', { v: '1' }),
    'app/change.yaml': configMapJson('change', { v: '1' }),
    'app/leave.yaml': configMapJson('leave', { v: '1' }),
  });
  await syncs.create(ns, name, { source, interval: '1h', prune: true });
  assertCleanlyAt(await syncs.waitFor(ns, name, 'Ready at A', readyAt(first)), first);

  const rewritten = repo.rewrite({
    'app/keep.yaml': configMapJson('keep', { v: '1' }),
    'app/change.yaml': configMapJson('change', { v: '2' }),
    'app/new.yaml': configMapJson('new', { v: '1' }),
  });
  await syncs.trigger(ns, name);
  const atB = await syncs.waitFor(ns, name, 'Ready at the rewritten B', readyAt(rewritten));
  assertCleanlyAt(atB, rewritten);
  assert.deepEqual(
    atB.status?.inventory?.entries.map((e) => e.id),
    [`${ns}_change__ConfigMap`, `${ns}_keep__ConfigMap`, `${ns}_new__ConfigMap`],
  );
  assert.deepEqual(await configMapData(ns, 'change'), { v: '2' });
  assert.deepEqual(await configMapData(ns, 'new'), { v: '1' });
  assert.deepEqual(await configMapData(ns, 'keep'), { v: '1' });
  assert.equal(await configMapData(ns, 'leave'), undefined, 'the object that left Git was pruned');
  assert.equal(atB.status?.history?.[1]?.revision, `main@sha1:${first}`);

  repo.forcePush(first);
  await syncs.trigger(ns, name);
  assertCleanlyAt(await syncs.waitFor(ns, name, 'Ready back at A', readyAt(first)), first);
  assert.deepEqual(await configMapData(ns, 'change'), { v: '1' });
  assert.deepEqual(await configMapData(ns, 'leave'), { v: '1' });
  assert.equal(await configMapData(ns, 'new'), undefined);
}

function newRepo(): GitRepo {
  const repo = createGitRepo();
  repos.push(repo);
  return repo;
}

test('file://: a branch force-pushed to an unrelated history is applied and pruned, then rewound', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'sync-force');
  const repo = newRepo();
  await forcePushScenario(ns, 'forced', repo, { url: repo.url, ref: { branch: 'main' }, path: 'app' });
});

test('smart HTTP with basic auth: the same force-push and rewind', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'sync-force-http');
  const repo = newRepo();
  const password = marker('git-password');
  markers.push(password);
  const server = await serveOverHttp(repo.bare, `Basic ${b64(`git:${password}`)}`);
  t.after(() => server.close());
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'git' }, stringData: { username: 'git', password } },
  });
  await forcePushScenario(ns, 'forced', repo, {
    url: server.url,
    ref: { branch: 'main' },
    path: 'app',
    secretRef: { name: 'git' },
  });
  assert.ok(server.seenAuthorization.length > 0);
});
