// The seeds' WordPress case with gitseal: an umbrella Helm chart in Git holds the WordPress-shaped chart and a
// SealedSecret of its database password; the chart reads the password from that Secret (existingSecret), so the
// GitSync needs no allowPlainSecrets. Upgrade by a values change in Git, rollback by `git revert`, a Secret the
// SealedSecret controller may not overwrite (the workloads must not start), and a chart that renders a plain Secret.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { AppsV1Api, CustomObjectsApi, type V1Deployment } from '@kubernetes/client-node';
import { gitTestEnv } from '@gitseal/sync/testing';
import { resolveHelmBinary } from '../cluster/helm-binary.js';
import { marker } from './cli-harness.js';
import { b64, sealItems } from './controller-harness.js';
import { wordpressNames, wordpressUmbrellaFiles, type WordpressChartOptions } from './charts/wordpress-chart.js';
import {
  createSyncNamespace,
  failedWith,
  gitSyncCondition,
  readyAt,
  syncSuite,
  type GitRepo,
  type SyncSuiteContext,
} from './sync-harness.js';

// The controller renders charts with the helm on its PATH, as the image has it (startControllerProcess passes the
// test's environment on).
process.env.PATH = `${dirname(await resolveHelmBinary())}:${process.env.PATH ?? ''}`;

const suite = syncSuite('sync-helm-wordpress.log');
const RELEASE = 'blog';
const SECRET = 'wp-db';
const names = wordpressNames(RELEASE);

function sealedSecretYaml(certPem: string, namespace: string, password: string): string {
  const encryptedData = sealItems(certPem, 'strict', namespace, SECRET, { password });
  return JSON.stringify({
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: SECRET },
    spec: { encryptedData, template: { type: 'Opaque' } },
  });
}

/** `git revert --no-edit <commit>` in a fresh clone of the repository, pushed as main; returns the new commit. */
function gitRevert(repo: GitRepo, commit: string): string {
  const root = mkdtempSync(join(tmpdir(), 'gitseal-e2e-revert-'));
  try {
    const env = gitTestEnv(root, 'revert');
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    git('clone', '--quiet', repo.bare, 'work');
    const work = (...args: string[]) => git('-C', join(root, 'work'), ...args);
    work('revert', '--no-edit', commit);
    work('push', '--quiet', 'origin', 'HEAD:main');
    return work('rev-parse', 'HEAD');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const secretKeyRefs = (d: V1Deployment | undefined) =>
  (d?.spec?.template.spec?.containers ?? []).flatMap((c) =>
    (c.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [`${e.name}=${e.valueFrom.secretKeyRef.name}`] : [])),
  );
const envValue = (d: V1Deployment, name: string) =>
  d.spec?.template.spec?.containers?.[0]?.env?.find((e) => e.name === name)?.value;

/** The release's objects after the first sync: the opened Secret, the workloads using it, the Services. */
async function assertReleaseObjects(ctx: SyncSuiteContext, ns: string, password: string): Promise<void> {
  const { core } = ctx;
  // The Secret is opened from the SealedSecret and owned by it; the chart rendered no Secret of its own.
  const secret = await core.readNamespacedSecret({ namespace: ns, name: SECRET });
  assert.equal(secret.data?.['password'], b64(password));
  assert.equal(secret.metadata?.ownerReferences?.[0]?.kind, 'SealedSecret');
  await assert.rejects(core.readNamespacedSecret({ namespace: ns, name: names.chartSecret }), /404|not found/i);

  await assertWorkloads(ctx, ns, Number(secret.metadata?.resourceVersion));
}

/** Both workloads take the password from the opened Secret, written after it (`openedAt`: its resourceVersion). */
async function assertWorkloads(ctx: SyncSuiteContext, ns: string, openedAt: number): Promise<void> {
  const { kc, core } = ctx;
  const apps = kc.makeApiClient(AppsV1Api);
  // The chart's objects carry the release name; both workloads take the password from the opened Secret.
  const web = await apps.readNamespacedDeployment({ namespace: ns, name: names.web });
  assert.deepEqual(secretKeyRefs(web), [`APP_SECRET=${SECRET}`]);
  assert.equal(envValue(web, 'WORDPRESS_DB_HOST'), names.db);
  const db = await apps.readNamespacedStatefulSet({ namespace: ns, name: names.db });
  assert.equal(db.spec?.volumeClaimTemplates?.[0]?.metadata?.name, 'data');
  assert.deepEqual(
    (db.spec?.template.spec?.containers?.[0]?.env ?? []).flatMap((e) => e.valueFrom?.secretKeyRef?.name ?? []),
    [SECRET],
  );
  assert.equal((await core.readNamespacedService({ namespace: ns, name: names.web })).spec?.ports?.[0]?.port, 80);
  assert.equal((await core.readNamespacedService({ namespace: ns, name: names.db })).spec?.clusterIP, 'None');
  // The SealedSecret was opened before the workloads were written (one etcd: resourceVersions are ordered).
  assert.ok(openedAt < Number(web.metadata?.resourceVersion));
  assert.ok(openedAt < Number(db.metadata?.resourceVersion));
}

test('an umbrella chart and its SealedSecret sync without allowPlainSecrets; upgrade and git-revert rollback', async (t) => {
  const ctx = await suite.ready(t);
  if (!ctx) return;
  const { kc, core, syncs, certPem } = ctx;
  const apps = kc.makeApiClient(AppsV1Api);
  const ns = await createSyncNamespace(kc, 'helm-wp');
  const password = marker('wp-db');
  suite.markers.push(password);
  const repo = suite.newRepo();
  const chart: WordpressChartOptions = {
    path: 'blog',
    version: '1',
    existingSecret: SECRET,
    secretRev: '1',
    sealedSecret: sealedSecretYaml(certPem, ns, password),
  };
  const first = repo.commit(wordpressUmbrellaFiles(chart));
  await syncs.create(ns, 'blog', {
    source: { url: repo.url, ref: { branch: 'main' }, path: 'blog' },
    interval: '1h',
    prune: true,
    helm: { releaseName: RELEASE },
  });
  const ready = await syncs.waitFor(ns, 'blog', 'Ready', readyAt(first), 90_000);
  assert.deepEqual(ready.status && (ready.status as { chart?: unknown }).chart, { name: 'blog', version: '0.1.0' });

  await assertReleaseObjects(ctx, ns, password);

  // Upgrade: a values change in Git.
  const upgrade = repo.commit(wordpressUmbrellaFiles({ ...chart, version: '2', replicas: 2 }));
  await syncs.trigger(ns, 'blog');
  await syncs.waitFor(ns, 'blog', 'Ready at the upgrade', readyAt(upgrade), 90_000);
  const upgraded = await apps.readNamespacedDeployment({ namespace: ns, name: names.web });
  assert.equal(envValue(upgraded, 'APP_VERSION'), '2');
  assert.equal(upgraded.spec?.replicas, 2);

  // Rollback: git revert of the values change.
  const reverted = gitRevert(repo, upgrade);
  await syncs.trigger(ns, 'blog');
  const back = await syncs.waitFor(ns, 'blog', 'Ready at the revert', readyAt(reverted), 90_000);
  const rolledBack = await apps.readNamespacedDeployment({ namespace: ns, name: names.web });
  assert.equal(envValue(rolledBack, 'APP_VERSION'), '1');
  assert.equal(rolledBack.spec?.replicas, 1);
  assert.equal((await core.readNamespacedSecret({ namespace: ns, name: SECRET })).data?.['password'], b64(password));
  // The revert renders what the first commit rendered: the same digest in history.
  const history = back.status?.history ?? [];
  const digestOf = (commit: string) => history.find((h) => h.revision === `main@sha1:${commit}`)?.digest;
  assert.ok(digestOf(first) !== undefined && digestOf(first) === digestOf(reverted));
});

test("the chart's workloads are not written while its SealedSecret is not opened, even when a Secret of that name exists", async (t) => {
  const ctx = await suite.ready(t);
  if (!ctx) return;
  const { kc, core, syncs, certPem } = ctx;
  const apps = kc.makeApiClient(AppsV1Api);
  const ns = await createSyncNamespace(kc, 'helm-wp-owned');
  const password = marker('wp-sealed');
  const stray = marker('wp-stray');
  suite.markers.push(password, stray);
  // A Secret someone made by hand: the SealedSecret controller never overwrites it (SecretNotOwned).
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: SECRET }, stringData: { password: stray } },
  });
  const repo = suite.newRepo();
  const commit = repo.commit(
    wordpressUmbrellaFiles({
      path: 'blog',
      version: '1',
      existingSecret: SECRET,
      sealedSecret: sealedSecretYaml(certPem, ns, password),
    }),
  );
  await syncs.create(ns, 'blog', {
    source: { url: repo.url, ref: { branch: 'main' }, path: 'blog' },
    interval: '1h',
    helm: { releaseName: RELEASE },
  });
  const failed = await syncs.waitFor(ns, 'blog', 'ApplyFailed', failedWith('ApplyFailed', commit), 90_000);
  const message = gitSyncCondition(failed, 'Ready')?.message ?? '';
  assert.match(
    message,
    /^blog\/charts\/wordpress\/templates\/[a-z-]+\.yaml#0: (Deployment|StatefulSet) [^ ]+: SealedSecret [^ ]+\/wp-db not opened: SecretNotOwned: /,
  );
  assert.ok(!message.includes(stray) && !message.includes(password));
  // The SealedSecret was applied; neither workload was written, so no pod can start with the stray password.
  const sealed = await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
    group: 'gitseal.dev',
    version: 'v1alpha1',
    plural: 'sealedsecrets',
    namespace: ns,
    name: SECRET,
  });
  assert.ok(sealed);
  await assert.rejects(apps.readNamespacedDeployment({ namespace: ns, name: names.web }), /404|not found/i);
  await assert.rejects(apps.readNamespacedStatefulSet({ namespace: ns, name: names.db }), /404|not found/i);
  assert.equal((await core.readNamespacedSecret({ namespace: ns, name: SECRET })).data?.['password'], b64(stray));
});

test('a chart that renders a plain Secret is refused (PlaintextSecretInGit) naming the template file', async (t) => {
  const ctx = await suite.ready(t);
  if (!ctx) return;
  const { kc, core, syncs } = ctx;
  const apps = kc.makeApiClient(AppsV1Api);
  const ns = await createSyncNamespace(kc, 'helm-wp-plain');
  const password = marker('wp-plain');
  suite.markers.push(password);
  const repo = suite.newRepo();
  // No existingSecret: the chart renders its own Secret from db.password.
  const commit = repo.commit(wordpressUmbrellaFiles({ path: 'blog', version: '1' }));
  await syncs.create(ns, 'blog', {
    source: { url: repo.url, ref: { branch: 'main' }, path: 'blog' },
    interval: '1h',
    helm: { releaseName: RELEASE, values: { wordpress: { db: { password } } } },
  });
  const refused = await syncs.waitFor(ns, 'blog', 'plaintext', failedWith('PlaintextSecretInGit', commit), 90_000);
  const message = gitSyncCondition(refused, 'Ready')?.message ?? '';
  assert.match(message, /blog\/charts\/wordpress\/templates\/db-secret\.yaml#0/);
  assert.ok(!message.includes(password));
  await assert.rejects(core.readNamespacedSecret({ namespace: ns, name: names.chartSecret }), /404|not found/i);
  await assert.rejects(apps.readNamespacedDeployment({ namespace: ns, name: names.web }), /404|not found/i);
});
