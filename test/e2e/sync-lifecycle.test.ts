// A GitSync's ownership over the whole life of what it applies, end to end (gitseal-controller as a process, real
// Git repositories, the real API server): deleting a GitSync prunes what it applied (finalizer), or leaves it with
// prune: false; deleting its namespace completes; two GitSyncs rendering one object do not take it from each other
// at every sync; and `gitseal diff` right after a sync shows no change.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { assertNoMarkers, makeTempDir, marker, runCli } from './cli-harness.js';
import { sealItems, waitFor } from './controller-harness.js';
import {
  configMapJson,
  createSyncNamespace,
  type GitRepo,
  gitSyncCondition,
  GitSyncs,
  readyAt,
  syncSuite,
} from './sync-harness.js';

const FINALIZER = 'gitseal.dev/finalizer';
const LABEL = 'gitseal.dev/sync';
const suite = syncSuite('sync-lifecycle.log');
const { markers } = suite;
let kc: KubeConfig;
let kubeconfig = '';
let core: CoreV1Api;
let syncs: GitSyncs;
let certPem = '';
let dir = '';
let cleanup: () => Promise<void> = async () => undefined;

before(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
after(() => cleanup());

async function ready(t: TestContext): Promise<boolean> {
  const sync = await suite.ready(t);
  if (!sync) return false;
  kubeconfig = sync.plane.kubeconfigPath;
  ({ kc, core, syncs, certPem } = sync);
  return true;
}

function newRepo(files: Record<string, string>): { repo: GitRepo; commit: string } {
  const repo = suite.newRepo();
  return { repo, commit: repo.commit(files) };
}

const annotated = (name: string, annotations: Record<string, string>, data: Record<string, string> = { a: '1' }) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, annotations }, data });

async function configMap(namespace: string, name: string) {
  return core.readNamespacedConfigMap({ namespace, name }).catch((error: { code?: number }) => {
    if (error.code === 404) return undefined;
    throw error;
  });
}

/** Resolves once the GitSync is gone from the API server (its finalizers removed). */
async function gone(namespace: string, name: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    `GitSync ${namespace}/${name} gone`,
    () =>
      syncs.get(namespace, name).then(
        () => false,
        (error: { code?: number }) => {
          if (error.code === 404) return true;
          throw error;
        },
      ),
    timeoutMs,
    200,
  );
}

async function createReady(namespace: string, name: string, url: string, commit: string, spec = {}) {
  await syncs.create(namespace, name, { source: { url, path: 'app' }, interval: '1h', ...spec });
  return syncs.waitFor(namespace, name, 'Ready', readyAt(commit));
}

/** A GitSync to be deleted: Ready, and carrying the finalizer that makes deletion prune. */
async function createFinalized(namespace: string, name: string, url: string, commit: string, spec = {}) {
  const synced = await createReady(namespace, name, url, commit, spec);
  assert.ok(synced.metadata.finalizers?.includes(FINALIZER), `finalizer on ${namespace}/${name}`);
}

test('deleting a GitSync with prune: its objects are deleted, except those annotated to be kept', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'life-prune');
  const { repo, commit } = newRepo({
    'app/doomed.yaml': configMapJson('doomed', { a: '1' }),
    'app/role.yaml': JSON.stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'doomed-role' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
    }),
    'app/disabled.yaml': annotated('kept-disabled', { 'gitseal.dev/prune': 'disabled' }),
    'app/false.yaml': annotated('kept-false', { 'gitseal.dev/prune': 'false' }),
    'app/unlabelled.yaml': configMapJson('unlabelled', { a: '1' }),
  });
  await createFinalized(ns, 'app', repo.url, commit, { prune: true, selfHeal: false });
  // Someone removed the sync label from one object (no self-heal puts it back): it is no longer this GitSync's.
  const unlabelled = await configMap(ns, 'unlabelled');
  assert.equal(unlabelled?.metadata?.labels?.[LABEL], `${ns}.app`);
  await core.replaceNamespacedConfigMap({
    namespace: ns,
    name: 'unlabelled',
    body: { ...unlabelled, metadata: { ...unlabelled?.metadata, labels: {} } },
  });

  await syncs.delete(ns, 'app');
  await gone(ns, 'app');
  assert.equal(await configMap(ns, 'doomed'), undefined, 'pruned');
  const roles = kc.makeApiClient(RbacAuthorizationV1Api);
  await assert.rejects(roles.readNamespacedRole({ namespace: ns, name: 'doomed-role' }), { code: 404 });
  assert.ok(await configMap(ns, 'kept-disabled'), 'gitseal.dev/prune: disabled keeps it');
  assert.ok(await configMap(ns, 'kept-false'), 'gitseal.dev/prune: "false" keeps it');
  assert.ok(await configMap(ns, 'unlabelled'), 'an object without the sync label is left');
});

test('deleting a GitSync with prune: false leaves its objects', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'life-keep');
  const { repo, commit } = newRepo({ 'app/cm.yaml': configMapJson('left', { a: '1' }) });
  await createFinalized(ns, 'app', repo.url, commit, { prune: false });
  await syncs.delete(ns, 'app');
  await gone(ns, 'app');
  const left = await configMap(ns, 'left');
  assert.equal(left?.data?.['a'], '1');
  assert.equal(left?.metadata?.labels?.[LABEL], `${ns}.app`, 'left as it was');
});

test("deleting a GitSync's namespace completes", async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'life-ns');
  const { repo, commit } = newRepo({ 'app/cm.yaml': configMapJson('in-ns', { a: '1' }) });
  await createFinalized(ns, 'app', repo.url, commit, { prune: true });
  await core.deleteNamespace({ name: ns });
  // This control plane has no namespace controller: do its work, in the worst order for the GitSync (its
  // ServiceAccount first), and check that the GitSync's finalizer does not hold the namespace.
  await core.deleteNamespacedServiceAccount({ namespace: ns, name: 'gitsync' });
  await syncs.delete(ns, 'app');
  await gone(ns, 'app');
  await core.deleteCollectionNamespacedConfigMap({ namespace: ns });
  await kc.makeApiClient(RbacAuthorizationV1Api).deleteCollectionNamespacedRoleBinding({ namespace: ns });
  await core.replaceNamespaceFinalize({ name: ns, body: { metadata: { name: ns }, spec: { finalizers: [] } } });
  await waitFor(`namespace ${ns} gone`, () =>
    core.readNamespace({ name: ns }).then(
      () => false,
      (error: { code?: number }) => error.code === 404,
    ),
  );
});

/** Several resyncs of each (interval 2 s): the ConfigMap's content and resourceVersion must not move. */
async function assertStable(ns: string, name: string, owner: string, refused: string): Promise<void> {
  const before = await configMap(ns, name);
  assert.equal(before?.data?.['owner'], owner);
  // Several syncs of both (the interval has a 10 s floor, so they are requested): nobody takes it back.
  for (let round = 0; round < 3; round++) {
    await syncs.trigger(ns, owner);
    await syncs.trigger(ns, refused);
    await sleep(2_000);
  }
  const after = await configMap(ns, name);
  assert.equal(after?.data?.['owner'], owner, `${owner} keeps it`);
  assert.equal(after?.metadata?.labels?.[LABEL], `${ns}.${owner}`);
  assert.equal(after?.metadata?.resourceVersion, before?.metadata?.resourceVersion, 'nobody wrote it meanwhile');
  // The last requested sync of the refused one may still be running (Reconciling): wait for it to end.
  const loser = await syncs.waitFor(
    ns,
    refused,
    'refused again',
    (o) => gitSyncCondition(o, 'Stalled') !== undefined,
    15_000,
  );
  assert.equal(gitSyncCondition(loser, 'Ready')?.status, 'False');
  assert.equal(gitSyncCondition(loser, 'Ready')?.reason, 'OwnershipConflict');
  assert.equal(gitSyncCondition(loser, 'Stalled')?.status, 'True');
  assert.equal(gitSyncCondition(await syncs.get(ns, owner), 'Ready')?.status, 'True');
}

test('two GitSyncs rendering one ConfigMap: the second is refused, and a takeover does not flip back', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'life-owner');
  const spec = { interval: '1h' };
  const first = newRepo({ 'app/cm.yaml': configMapJson('shared', { owner: 'first' }) });
  await createReady(ns, 'first', first.repo.url, first.commit, spec);
  const second = newRepo({ 'app/cm.yaml': configMapJson('shared', { owner: 'second' }) });
  await syncs.create(ns, 'second', { source: { url: second.repo.url, path: 'app' }, ...spec });
  const refused = await syncs.waitFor(ns, 'second', 'OwnershipConflict', (o) => {
    return gitSyncCondition(o, 'Ready')?.reason === 'OwnershipConflict';
  });
  assert.match(gitSyncCondition(refused, 'Ready')?.message ?? '', new RegExp(`already applied by GitSync ${ns}/first`));
  await assertStable(ns, 'shared', 'first', 'second');

  // An explicit takeover in Git hands it over once; the first GitSync must not take it back at its next syncs.
  const takeover = newRepo({
    'app/cm.yaml': annotated('shared', { 'gitseal.dev/takeover': 'true' }, { owner: 'third' }),
  });
  await createReady(ns, 'third', takeover.repo.url, takeover.commit, spec);
  await syncs.trigger(ns, 'first');
  await syncs.waitFor(ns, 'first', 'OwnershipConflict', (o) => {
    return gitSyncCondition(o, 'Ready')?.reason === 'OwnershipConflict';
  });
  await assertStable(ns, 'shared', 'third', 'first');
});

test('gitseal diff right after a sync: 0 changes and exit 0; after a change in the folder: the change and exit 1', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'life-diff');
  const password = marker('diff-pw');
  markers.push(password);
  const files: Record<string, string> = {
    'app/settings.yaml': configMapJson('settings', { mode: 'one' }),
    'app/db.yaml': JSON.stringify({
      apiVersion: 'gitseal.dev/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'db' },
      spec: { encryptedData: sealItems(certPem, 'strict', ns, 'db', { password }), template: {} },
    }),
    'app/web.yaml': JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'app', image: 'registry.invalid/app:1' }] },
        },
      },
    }),
  };
  const { repo, commit } = newRepo(files);
  await createReady(ns, 'app', repo.url, commit);

  // The folder as a checkout of the same commit would hold it.
  const folder = join(dir, 'diff-app');
  await mkdir(folder, { recursive: true });
  for (const [path, content] of Object.entries(files)) await writeFile(join(dir, 'diff-' + path), content);
  const args = ['diff', '--path', folder, '--kubeconfig', kubeconfig, '--exit-code'];
  const summary = '3 object(s) in the folder: 0 to create, 0 to change, 3 unchanged\n';
  for (const extra of [
    ['-n', ns],
    ['--prune-label', `${ns}.app`],
  ]) {
    const clean = await runCli([...args, ...extra]);
    assert.equal(clean.code, 0, `${extra.join(' ')}: ${clean.stdout}${clean.stderr}`);
    assert.equal(clean.stderr, '');
    assert.deepEqual(
      clean.stdout.split('\n').filter((l) => !l.startsWith('=')),
      [summary.trimEnd(), ''],
      clean.stdout,
    );
  }

  await writeFile(join(folder, 'settings.yaml'), configMapJson('settings', { mode: 'two' }));
  const changed = await runCli([...args, '-n', ns]);
  assert.equal(changed.code, 1, changed.stdout + changed.stderr);
  assert.equal(
    changed.stdout
      .split('\n')
      .filter((l) => !l.startsWith('='))
      .join('\n'),
    `~ ConfigMap ${ns}/settings changed (settings.yaml#0)\n` +
      '    - data.mode: "one"\n' +
      '    + data.mode: "two"\n' +
      '3 object(s) in the folder: 0 to create, 1 to change, 2 unchanged\n',
  );
  assertNoMarkers(changed.stdout + changed.stderr, [password], 'diff output');
});
