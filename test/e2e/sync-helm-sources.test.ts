// GitSyncs whose source is a chart in a Helm repository or an OCI registry (issue 14), end to end: the controller
// as a process against the real kube-apiserver, a static HTTPS chart repository with basic auth (helm package +
// helm repo index output) and the CNCF distribution registry over TLS with htpasswd auth (charts pushed with
// helm push). Upgrade by a semver range, no download when nothing changed, and the failures users meet: a wrong
// password, no credentials, an unreachable repository, a chart over the size limit, values files without Git.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { findFreePort } from '../cluster/free-port.js';
import {
  indexRepository,
  packageChart,
  pushChart,
  startChartRepository,
  startOciRegistry,
  writeChart,
  type ChartRepository,
  type OciRegistry,
} from '../support/index.js';
import {
  createSyncNamespace,
  failedWith,
  gitSyncCondition,
  type GitSyncObject,
  type GitSyncs,
  syncSuite,
} from './sync-harness.js';

const suite = syncSuite('sync-helm-sources.log');
let kc: KubeConfig;
let core: CoreV1Api;
let syncs: GitSyncs;

const work = mkdtempSync(join(tmpdir(), 'gitseal-helm-sources-'));
const creds = { username: 'chart-reader', password: 'Pa55-chart-reader-secret' };
suite.markers.push(creds.password);
let repo: ChartRepository | undefined;
let registry: OciRegistry | undefined;
after(async () => {
  await repo?.stop();
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function ready(t: TestContext): Promise<boolean> {
  const sync = await suite.ready(t);
  if (!sync) return false;
  ({ kc, core, syncs } = sync);
  return true;
}

/** Packages chart `name` at `version` into the repository folder and re-indexes it. */
async function publish(dir: string, name: string, version: string, padding?: number): Promise<string> {
  const chartDir = writeChart(join(work, 'src', `${name}-${version}`), {
    name,
    version,
    ...(padding ? { padding } : {}),
  });
  mkdirSync(dir, { recursive: true });
  const tgz = await packageChart(chartDir, dir);
  await indexRepository(dir);
  return tgz;
}

const readyAtChart = (version: string) => (o: GitSyncObject) =>
  gitSyncCondition(o, 'Ready')?.status === 'True' &&
  (o.status?.lastAppliedRevision ?? '').startsWith(`${version}@sha256:`);

async function credentialsSecret(namespace: string, password: string, caPem?: string): Promise<string> {
  const name = `chart-creds-${Math.random().toString(36).slice(2, 8)}`;
  await core.createNamespacedSecret({
    namespace,
    body: {
      metadata: { name },
      stringData: { username: creds.username, password, ...(caPem ? { 'ca.crt': caPem } : {}) },
    },
  });
  return name;
}

test('a chart from an HTTPS Helm repository with basic auth: a semver range picks up a new version; no download when nothing changed', async (t) => {
  if (!(await ready(t))) return;
  const dir = join(work, 'repo');
  await publish(dir, 'shop', '1.0.0');
  repo = await startChartRepository({ dir, basicAuth: creds, tls: true });
  const ns = await createSyncNamespace(kc, 'helm-repo');
  const secretName = await credentialsSecret(ns, creds.password, repo.tls?.caPem);
  await syncs.create(ns, 'shop', {
    source: { url: repo.url, chart: { name: 'shop', version: '>=1.0.0 <2' }, secretRef: { name: secretName } },
    interval: '1h',
  });
  let synced = await syncs.waitFor(ns, 'shop', 'Ready at 1.0.0', readyAtChart('1.0.0'));
  const cm = await core.readNamespacedConfigMap({ namespace: ns, name: 'shop-shop' });
  assert.equal(cm.data?.['version'], '1.0.0');
  assert.deepEqual((synced.status as { chart?: unknown }).chart, { name: 'shop', version: '1.0.0' });

  // 1.1.0 matches the range, 2.0.0 does not.
  await publish(dir, 'shop', '1.1.0');
  await publish(dir, 'shop', '2.0.0');
  await syncs.trigger(ns, 'shop');
  synced = await syncs.waitFor(ns, 'shop', 'Ready at 1.1.0', readyAtChart('1.1.0'));
  assert.equal((await core.readNamespacedConfigMap({ namespace: ns, name: 'shop-shop' })).data?.['version'], '1.1.0');
  const history = (synced.status?.history ?? []) as { chart?: string; revision: string }[];
  assert.equal(history[0]?.chart, 'shop 1.1.0');
  assert.equal(history[1]?.chart, 'shop 1.0.0', 'the earlier version stays in the history');

  // A resync with no new version reads index.yaml only.
  const tgzRequests = () => repo!.requests.filter((r) => r.path.endsWith('.tgz')).length;
  const before = tgzRequests();
  const handled = (await syncs.get(ns, 'shop')).metadata.annotations?.['gitseal.dev/requested-at'];
  await syncs.trigger(ns, 'shop');
  await syncs.waitFor(
    ns,
    'shop',
    'the resync handled',
    (o) => o.status?.lastHandledRequestedAt !== undefined && o.status.lastHandledRequestedAt !== handled,
  );
  assert.equal(tgzRequests(), before, 'no chart download when the version did not change');
  assert.ok(
    repo.requests.every((r) => r.status !== 401),
    'every request carried the credentials',
  );

  // A wrong password: one line, the password nowhere.
  const wrongPassword = 'Wrong-pa55word-for-chart';
  suite.markers.push(wrongPassword);
  const wrong = await credentialsSecret(ns, wrongPassword, repo.tls?.caPem);
  await syncs.create(ns, 'wrong', {
    source: { url: repo.url, chart: { name: 'shop' }, secretRef: { name: wrong } },
    interval: '1h',
  });
  const refused = await syncs.waitFor(ns, 'wrong', 'refused', failedWith('ChartFetchFailed'));
  const message = gitSyncCondition(refused, 'Ready')?.message ?? '';
  assert.match(message, new RegExp(`^chart shop from ${repo.url}.*: .*authentication failed`));
  assert.ok(!message.includes(wrongPassword) && !message.includes(creds.username + ':'));
});

test('a chart from an OCI registry over TLS with htpasswd auth; anonymous access is refused with a clear line', async (t) => {
  if (!(await ready(t))) return;
  registry = await startOciRegistry({ auth: creds, tls: true });
  const tgz = await publish(join(work, 'oci'), 'store', '3.2.1');
  await pushChart(registry, tgz, 'charts');
  const ns = await createSyncNamespace(kc, 'helm-oci');
  const secretName = await credentialsSecret(ns, creds.password, registry.tls?.caPem);
  await syncs.create(ns, 'store', {
    source: {
      url: `${registry.url}/charts`,
      chart: { name: 'store', version: '3.2.1' },
      secretRef: { name: secretName },
    },
    interval: '1h',
    helm: { releaseName: 'online', values: { ignored: true } },
  });
  await syncs.waitFor(ns, 'store', 'Ready at 3.2.1', readyAtChart('3.2.1'));
  assert.equal(
    (await core.readNamespacedConfigMap({ namespace: ns, name: 'online-store' })).data?.['version'],
    '3.2.1',
  );

  const caOnly = `ca-only-${Math.random().toString(36).slice(2, 8)}`;
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: caOnly }, stringData: { 'ca.crt': registry.tls?.caPem ?? '' } },
  });
  await syncs.create(ns, 'anonymous', {
    source: { url: `${registry.url}/charts`, chart: { name: 'store' }, secretRef: { name: caOnly } },
    interval: '1h',
  });
  const refused = await syncs.waitFor(ns, 'anonymous', 'refused', failedWith('ChartFetchFailed'));
  assert.match(
    gitSyncCondition(refused, 'Ready')?.message ?? '',
    /^chart store from oci:\/\/127\.0\.0\.1:\d+\/charts: .*(authentication|credentials)/,
  );
});

test('an unreachable repository, a chart over the size limit, values files without Git, bad specs: clear errors, nothing applied', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'helm-bad');
  const closed = await findFreePort();
  await syncs.create(ns, 'unreachable', {
    source: { url: `http://127.0.0.1:${closed}/charts`, chart: { name: 'shop' } },
    interval: '1h',
  });
  const unreachable = await syncs.waitFor(ns, 'unreachable', 'refused', failedWith('ChartFetchFailed'));
  assert.match(
    gitSyncCondition(unreachable, 'Ready')?.message ?? '',
    new RegExp(`^chart shop from http://127\\.0\\.0\\.1:${closed}/charts: .*(refused|unreachable)`),
  );

  // Over the 16 MiB default cap (incompressible padding), served without auth over plain HTTP.
  const bigDir = join(work, 'big');
  await publish(bigDir, 'huge', '1.0.0', 17 * 1024 * 1024);
  await publish(bigDir, 'small', '1.0.0');
  const big = await startChartRepository({ dir: bigDir, tls: false });
  try {
    await syncs.create(ns, 'huge', { source: { url: big.url, chart: { name: 'huge' } }, interval: '1h' });
    const huge = await syncs.waitFor(ns, 'huge', 'refused', failedWith('ChartFetchFailed'));
    assert.match(
      gitSyncCondition(huge, 'Ready')?.message ?? '',
      /^chart huge from http:\/\/127\.0\.0\.1:\d+\/: too large: more than 16777216 bytes$/,
    );
    await syncs.create(ns, 'values-files', {
      source: { url: big.url, chart: { name: 'small' } },
      interval: '1h',
      helm: { valuesFiles: ['values-prod.yaml'] },
    });
    const noGit = await syncs.waitFor(ns, 'values-files', 'refused', failedWith('InvalidSpec'));
    assert.equal(
      gitSyncCondition(noGit, 'Ready')?.message,
      'spec.helm.valuesFiles: values-prod.yaml: values files are repository paths, and a chart repository source has none (use spec.helm.values or valuesFrom)',
    );
  } finally {
    await big.stop();
  }
  const inventory = (await syncs.get(ns, 'huge')).status?.inventory?.entries ?? [];
  assert.equal(inventory.length, 0);

  // The CRD refuses what cannot work.
  await assert.rejects(
    syncs.create(ns, 'oci-no-chart', { source: { url: 'oci://127.0.0.1:5000/charts' } }),
    /needs chart/,
  );
  await assert.rejects(
    syncs.create(ns, 'chart-and-path', {
      source: { url: 'https://charts.example.com', chart: { name: 'x' }, path: 'a' },
    }),
    /takes no ref and no path/,
  );
  await assert.rejects(
    syncs.create(ns, 'chart-from-ssh', { source: { url: 'ssh://git@example.com/x.git', chart: { name: 'x' } } }),
    /Helm repository or an oci:\/\/ registry/,
  );
});

test('a chart folder in Git with dependencies: an OCI chart (Chart.lock’s version, not the newest) and a file:// chart', async (t) => {
  if (!(await ready(t))) return;
  const open = await startOciRegistry({ tls: false });
  try {
    for (const version of ['1.0.0', '1.1.0'])
      await pushChart(open, await publish(join(work, 'deps'), 'cache', version));
    const ns = await createSyncNamespace(kc, 'helm-deps');
    const repoGit = suite.newRepo();
    const commit = repoGit.commit({
      'umbrella/Chart.yaml': [
        'apiVersion: v2',
        'name: umbrella',
        'version: 0.1.0',
        'dependencies:',
        `- { name: cache, version: ">=1.0.0 <2", repository: "${open.url}/charts" }`,
        '- { name: lib, version: 0.2.0, repository: "file://../lib" }',
        '',
      ].join('\n'),
      'umbrella/Chart.lock': [
        'dependencies:',
        `- { name: cache, repository: "${open.url}/charts", version: 1.0.0 }`,
        '- { name: lib, repository: "file://../lib", version: 0.2.0 }',
        'digest: sha256:0000000000000000000000000000000000000000000000000000000000000000',
        'generated: "2026-12-01T00:00:00Z"',
        '',
      ].join('\n'),
      'umbrella/templates/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: {{ .Release.Name }}-app }\n',
      'lib/Chart.yaml': 'apiVersion: v2\nname: lib\nversion: 0.2.0\n',
      'lib/templates/lib.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: {{ .Release.Name }}-lib }\n',
    });
    await syncs.create(ns, 'deps', { source: { url: repoGit.url, path: 'umbrella' }, interval: '1h' });
    await syncs.waitFor(ns, 'deps', 'Ready', (o) => o.status?.lastAppliedRevision === `main@sha1:${commit}`);
    const version = (await core.readNamespacedConfigMap({ namespace: ns, name: 'deps-cache' })).data?.['version'];
    assert.equal(version, '1.0.0', 'the locked version, though 1.1.0 matches the range');
    assert.ok(await core.readNamespacedConfigMap({ namespace: ns, name: 'deps-lib' }), 'the file:// dependency');
    assert.ok(await core.readNamespacedConfigMap({ namespace: ns, name: 'deps-app' }));
  } finally {
    await open.stop();
  }
});
