// `gitseal sync history|events|tree|rollback` against the real control plane and gitseal-controller as a process,
// with real Git repositories: what the commands show is what the controller did, a rollback applies the old
// content until --resume goes back to the branch head, and a restricted ServiceAccount gets one-line refusals.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { CoreV1Api, RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import {
  indexRepository,
  packageChart,
  serviceAccountKubeConfig,
  startChartRepository,
  writeChart,
  type ChartRepository,
} from '../support/index.js';
import { assertFailure, assertSuccess, BIN, REPO_ROOT, runCli } from './cli-harness.js';
import { waitFor } from './controller-harness.js';
import {
  configMapJson,
  createSyncNamespace,
  gitSyncCondition,
  type GitRepo,
  type GitSyncObject,
  type GitSyncs,
  orAbsent,
  readyAt,
  syncSuite,
  type SyncSuiteContext,
} from './sync-harness.js';

const suite = syncSuite('cli-sync-rollback.log');
let sync: SyncSuiteContext;
let kc: KubeConfig;
let core: CoreV1Api;
let syncs: GitSyncs;

async function ready(t: TestContext): Promise<boolean> {
  const started = await suite.ready(t);
  if (!started) return false;
  sync = started;
  ({ kc, core, syncs } = started);
  return true;
}

const waveConfigMap = (name: string, data: Record<string, string>, wave: string): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, annotations: { 'gitseal.dev/sync-wave': wave } },
    data,
  });

interface App {
  readonly ns: string;
  readonly repo: GitRepo;
  readonly first: string;
  readonly second: string;
  readonly args: string[];
}

/** A GitSync synced at two commits: the first holds `settings` (mode one), the second changes it, adds `extra` and `late` (wave 1). */
async function twoRevisions(prefix: string, spec: Record<string, unknown> = {}): Promise<App> {
  const ns = await createSyncNamespace(kc, prefix);
  const repo = suite.newRepo();
  const first = repo.commit({ 'settings.yaml': configMapJson('settings', { mode: 'one' }) });
  await syncs.create(ns, 'app', { source: { url: repo.url, ref: { branch: 'main' } }, interval: '1h', ...spec });
  await syncs.waitFor(ns, 'app', 'first commit', readyAt(first));
  const second = repo.commit({
    'settings.yaml': configMapJson('settings', { mode: 'two' }),
    'extra.yaml': configMapJson('extra', { a: '1' }),
    'late.yaml': waveConfigMap('late', { b: '2' }, '1'),
  });
  await syncs.trigger(ns, 'app');
  await syncs.waitFor(ns, 'app', 'second commit', readyAt(second));
  return { ns, repo, first, second, args: ['-n', ns, '--kubeconfig', sync.plane.kubeconfigPath] };
}

const modeOf = async (ns: string): Promise<string | undefined> =>
  (await orAbsent(core.readNamespacedConfigMap({ namespace: ns, name: 'settings' })))?.data?.['mode'];

test('history, events and tree show what the controller did', async (t) => {
  if (!(await ready(t))) return;
  const { ns, first, second, args } = await twoRevisions('cli-inspect', { selfHeal: false });

  const history = await runCli(['sync', 'history', 'app', ...args]);
  assertSuccess(history);
  const lines = history.stdout.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^REVISION +RESULT +STARTED +DURATION +APPLIED +UNCHANGED +PRUNED$/);
  assert.match(lines[1] ?? '', new RegExp(`^main@sha1:${second} +Succeeded +\\S+ \\(\\S+ ago\\) +\\S+ +3 +0 +0$`));
  assert.match(lines[2] ?? '', new RegExp(`^main@sha1:${first} +Succeeded +\\S+ \\(\\S+ ago\\) +\\S+ +1 +0 +0$`));
  const json = await runCli(['sync', 'history', 'app', '-o', 'json', ...args]);
  assertSuccess(json);
  const parsed = JSON.parse(json.stdout) as {
    lastAppliedRevision: string;
    history: { revision: string; applied: number }[];
  };
  assert.equal(parsed.lastAppliedRevision, `main@sha1:${second}`);
  assert.deepEqual(
    parsed.history.map((h) => [h.revision, h.applied]),
    [
      [`main@sha1:${second}`, 3],
      [`main@sha1:${first}`, 1],
    ],
  );

  const events = await runCli(['sync', 'events', 'app', ...args]);
  assertSuccess(events);
  assert.match(events.stdout, /^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE\n/);
  const applied = (commit: string): number => events.stdout.indexOf(`Applied revision main@sha1:${commit}`);
  assert.ok(applied(first) > 0 && applied(second) > applied(first), `oldest first:\n${events.stdout}`);
  assert.match(events.stdout, /\d+s +Normal +ReconciliationSucceeded +GitSync\/app +Applied revision/);

  // --all adds the Events of the objects in the inventory (here one that another component recorded).
  await core.createNamespacedEvent({
    namespace: ns,
    body: {
      metadata: { name: 'settings.e2e' },
      involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'settings' },
      type: 'Warning',
      reason: 'SomethingNoticed',
      message: 'a component looked at settings',
      lastTimestamp: new Date(),
      source: { component: 'e2e' },
    },
  });
  assert.doesNotMatch((await runCli(['sync', 'events', 'app', ...args])).stdout, /SomethingNoticed/);
  const all = await runCli(['sync', 'events', 'app', '--all', ...args]);
  assertSuccess(all);
  assert.match(all.stdout, /Warning +SomethingNoticed +ConfigMap\/settings +a component looked at settings\n$/);
  assert.match(all.stdout, /GitSync\/app +Applied revision/);

  // Drift the tree must see: settings rewritten by another manager (self-heal is off here), extra deleted.
  // A reconcile of the same revision may still be finishing: it can rewrite settings once; drift it again then.
  await core.deleteNamespacedConfigMap({ namespace: ns, name: 'extra' });
  await waitFor('settings drifted by another manager', async () => {
    const live = await core.readNamespacedConfigMap({ namespace: ns, name: 'settings' });
    if (live.data?.['mode'] === 'edited') return true;
    await core.replaceNamespacedConfigMap({
      namespace: ns,
      name: 'settings',
      body: { ...live, data: { mode: 'edited' } },
      fieldManager: 'kubectl-edit',
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return false;
  });
  const tree = await runCli(['sync', 'tree', 'app', ...args]);
  assertSuccess(tree);
  const rows = tree.stdout.trimEnd().split('\n');
  assert.equal(
    rows[0],
    `GitSync ${ns}/app at main@sha1:${second}: 3 object(s): 1 in sync, 1 drifted, 1 missing`,
    tree.stdout,
  );
  assert.match(rows[1] ?? '', /^WAVE +KIND +NAMESPACE +NAME +SYNC +HEALTH +MESSAGE$/, 'late sets a wave');
  assert.match(
    rows[2] ?? '',
    new RegExp(`^0 +ConfigMap +${ns} +extra +Missing +Unknown +not found in the cluster; missing$`),
  );
  assert.match(rows[3] ?? '', new RegExp(`^0 +ConfigMap +${ns} +settings +Drifted +Current +changed by kubectl-edit$`));
  assert.match(rows[4] ?? '', new RegExp(`^1 +ConfigMap +${ns} +late +InSync +Current$`));
  const treeJson = await runCli(['sync', 'tree', 'app', '-o', 'json', ...args]);
  assertSuccess(treeJson);
  const { resources } = JSON.parse(treeJson.stdout) as { resources: { name: string; sync: string }[] };
  const treeYaml = await runCli(['sync', 'tree', 'app', '-o', 'yaml', ...args]);
  assertSuccess(treeYaml);
  assert.match(treeYaml.stdout, /^apiVersion: cli\.gitseal\.dev\/v1alpha1\nkind: GitSyncTree\nnamespace: /);
  assert.deepEqual(resources.map((r) => `${r.name}:${r.sync}`).sort(), [
    'extra:Missing',
    'late:InSync',
    'settings:Drifted',
  ]);
});

test('rollback --to applies the old revision and holds it; --resume returns to the branch head', async (t) => {
  if (!(await ready(t))) return;
  const { ns, repo, first, second, args } = await twoRevisions('cli-rollback');
  assert.equal(await modeOf(ns), 'two');

  const refused = await runCli(['sync', 'rollback', 'app', '--to', 'deadbeef', ...args]);
  assertFailure(refused, { code: 1, mentions: [`GitSync ${ns}/app`, 'revision "deadbeef" is not in its history'] });

  const rolled = await runCli(['sync', 'rollback', 'app', '--to', first.slice(0, 8), '--wait', ...args]);
  assertSuccess(rolled);
  assert.match(rolled.stdout, new RegExp(`^GitSync ${ns}/app: pinned to main@sha1:${first} `));
  assert.match(rolled.stdout, /sync handled: Ready=True/);
  assert.equal(await modeOf(ns), 'one', 'the old content is applied');
  assert.equal(
    await orAbsent(core.readNamespacedConfigMap({ namespace: ns, name: 'extra' })),
    undefined,
    'what the old revision lacks is pruned',
  );
  const pinned = await syncs.get(ns, 'app');
  assert.deepEqual(pinned.spec.source.ref, { branch: 'main', commit: first });
  assert.equal(pinned.status?.lastAppliedRevision, `main@sha1:${first}`);

  const status = await runCli(['sync', 'status', 'app', ...args]);
  assertSuccess(status);
  assert.match(
    status.stdout,
    new RegExp(`Pinned by rollback: +main@sha1:${first} \\(gitseal sync rollback app --resume`),
  );
  const list = await runCli(['sync', 'list', ...args]);
  assert.match(list.stdout, new RegExp(`main@sha1:${first} \\(pinned\\)`));

  // A new commit on the branch is not applied while pinned.
  const third = repo.commit({ 'settings.yaml': configMapJson('settings', { mode: 'three' }) });
  assertSuccess(await runCli(['sync', 'now', 'app', '--wait', ...args]));
  assert.equal(await modeOf(ns), 'one');
  assert.equal((await syncs.get(ns, 'app')).status?.lastAppliedRevision, `main@sha1:${first}`);

  const resumed = await runCli(['sync', 'rollback', 'app', '--resume', '--wait', ...args]);
  assertSuccess(resumed);
  assert.match(resumed.stdout, new RegExp(`^GitSync ${ns}/app: resumed from main@sha1:${first}`));
  const back = await syncs.get(ns, 'app');
  assert.deepEqual(back.spec.source.ref, { branch: 'main' }, 'the ref exactly as before the rollback');
  assert.equal(back.metadata.annotations?.['gitseal.dev/rollback'], undefined);
  assert.equal(back.status?.lastAppliedRevision, `main@sha1:${third}`);
  assert.equal(await modeOf(ns), 'three');
  assert.ok(second !== third);
  assertFailure(await runCli(['sync', 'rollback', 'app', '--resume', ...args]), {
    code: 1,
    mentions: [`GitSync ${ns}/app: not pinned by gitseal sync rollback`],
  });
});

test('events --watch prints the Events that appear', async (t) => {
  if (!(await ready(t))) return;
  const { ns, repo, args } = await twoRevisions('cli-watch');
  const child = spawn(process.execPath, [BIN, 'sync', 'events', 'app', '--watch', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  t.after(() => child.kill());
  await waitFor('first listing', async () => out.includes('LAST SEEN') || undefined, 30_000);
  const third = repo.commit({ 'settings.yaml': configMapJson('settings', { mode: 'three' }) });
  await syncs.trigger(ns, 'app');
  await waitFor(
    'the new Event printed',
    async () => out.includes(`Applied revision main@sha1:${third}`) || undefined,
    30_000,
  );
  assert.equal(out.match(/LAST SEEN/g)?.length, 1, 'one header');
});

test('RBAC and NotFound: one line naming the object and the verb, exit non-zero', async (t) => {
  if (!(await ready(t))) return;
  const { ns, first, args } = await twoRevisions('cli-sync-rbac');
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  for (const name of ['viewer', 'nobody']) {
    await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name } } });
  }
  const rules = [{ apiGroups: ['gitseal.dev'], resources: ['gitsyncs'], verbs: ['get', 'list'] }];
  await rbac.createNamespacedRole({ namespace: ns, body: { metadata: { name: 'gitsync-viewer' }, rules } });
  await rbac.createNamespacedRoleBinding({
    namespace: ns,
    body: {
      metadata: { name: 'gitsync-viewer' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'gitsync-viewer' },
      subjects: [{ kind: 'ServiceAccount', name: 'viewer', namespace: ns }],
    },
  });
  const viewer = await serviceAccountKubeConfig(sync.plane, { namespace: ns, name: 'viewer' });
  const nobody = await serviceAccountKubeConfig(sync.plane, { namespace: ns, name: 'nobody' });
  const as = (config: { path: string }) => ['-n', ns, '--kubeconfig', config.path];

  assertSuccess(await runCli(['sync', 'history', 'app', ...as(viewer)]));
  assertFailure(await runCli(['sync', 'events', 'app', ...as(viewer)]), {
    code: 3,
    mentions: [`list Events of GitSync ${ns}/app`, 'forbidden', 'cannot list resource "events"'],
  });
  assertFailure(await runCli(['sync', 'rollback', 'app', '--to', first, ...as(viewer)]), {
    code: 3,
    mentions: [`patch GitSync ${ns}/app`, 'forbidden', 'cannot patch resource "gitsyncs"'],
  });
  assert.deepEqual((await syncs.get(ns, 'app')).spec.source.ref, { branch: 'main' }, 'nothing changed');
  for (const verb of [['history'], ['events'], ['tree'], ['rollback', '--to', first]]) {
    assertFailure(await runCli(['sync', verb[0] ?? '', 'app', ...verb.slice(1), ...as(nobody)]), {
      code: 3,
      mentions: [`read GitSync ${ns}/app`, 'forbidden', 'cannot get resource "gitsyncs"'],
    });
    assertFailure(await runCli(['sync', verb[0] ?? '', 'ghost', ...verb.slice(1), ...args]), {
      code: 1,
      mentions: [`GitSync ${ns}/ghost: not found`],
    });
  }
});

const charts = mkdtempSync(join(tmpdir(), 'gitseal-cli-rollback-charts-'));
let chartRepo: ChartRepository | undefined;
after(async () => {
  await chartRepo?.stop();
  rmSync(charts, { recursive: true, force: true });
});

/** Packages chart `shop` at `version` into the repository folder and re-indexes it. */
async function publishShop(version: string): Promise<void> {
  const chartDir = writeChart(join(charts, 'src', version), { name: 'shop', version });
  mkdirSync(join(charts, 'repo'), { recursive: true });
  await packageChart(chartDir, join(charts, 'repo'));
  await indexRepository(join(charts, 'repo'));
}

const readyAtChart = (version: string) => (o: GitSyncObject) =>
  gitSyncCondition(o, 'Ready')?.status === 'True' &&
  (o.status?.lastAppliedRevision ?? '').startsWith(`${version}@sha256:`);

test('rollback of a chart source pins chart.version; --resume restores the range', async (t) => {
  if (!(await ready(t))) return;
  await publishShop('1.0.0');
  const creds = { username: 'chart-reader', password: 'Pa55-rollback-chart-reader' };
  suite.markers.push(creds.password);
  chartRepo = await startChartRepository({ dir: join(charts, 'repo'), basicAuth: creds, tls: true });
  const ns = await createSyncNamespace(kc, 'cli-rollback-chart');
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'chart-creds' }, stringData: { ...creds, 'ca.crt': chartRepo.tls?.caPem ?? '' } },
  });
  const chart = { name: 'shop', version: '>=1.0.0 <2' };
  await syncs.create(ns, 'shop', {
    source: { url: chartRepo.url, chart, secretRef: { name: 'chart-creds' } },
    interval: '1h',
  });
  await syncs.waitFor(ns, 'shop', 'Ready at 1.0.0', readyAtChart('1.0.0'));
  await publishShop('1.1.0');
  await syncs.trigger(ns, 'shop');
  await syncs.waitFor(ns, 'shop', 'Ready at 1.1.0', readyAtChart('1.1.0'));
  const args = ['-n', ns, '--kubeconfig', sync.plane.kubeconfigPath];
  const version = async (): Promise<string | undefined> =>
    (await core.readNamespacedConfigMap({ namespace: ns, name: 'shop-shop' })).data?.['version'];

  const history = await runCli(['sync', 'history', 'shop', ...args]);
  assertSuccess(history);
  assert.match(history.stdout, /CHART\n/);
  assert.match(history.stdout, /^1\.1\.0@sha256:[0-9a-f]{64} +Succeeded .* shop 1\.1\.0$/m);

  const rolled = await runCli(['sync', 'rollback', 'shop', '--to', '1.0.0', '--wait', ...args]);
  assertSuccess(rolled);
  assert.match(rolled.stdout, new RegExp(`^GitSync ${ns}/shop: pinned to 1\\.0\\.0@sha256:`));
  assert.equal(await version(), '1.0.0');
  assert.deepEqual((await syncs.get(ns, 'shop')).spec.source.chart, { name: 'shop', version: '1.0.0' });

  assertSuccess(await runCli(['sync', 'rollback', 'shop', '--resume', '--wait', ...args]));
  assert.deepEqual((await syncs.get(ns, 'shop')).spec.source.chart, chart, 'the range exactly as before');
  assert.equal(await version(), '1.1.0');
});
