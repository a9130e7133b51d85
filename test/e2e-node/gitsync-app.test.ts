// The seeds' demos for real: a GitSync of a tiny HTTP app (a kustomize overlay over plain YAML, a SealedSecret as
// its env) synced by gitseal running as a Pod, with Pods that serve. The tests compare a hash the app prints of its
// secret, never the secret itself.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, test, type TestContext } from 'node:test';
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { sealItems, waitFor } from '../e2e/controller-harness.js';
import { assertNoMarkers, marker } from '../e2e/cli-harness.js';
import {
  createGitRepo,
  gitSyncCondition,
  GitSyncs,
  readyAt,
  serveOverHttp,
  type GitRepo,
  type GitSyncObject,
} from '../e2e/sync-harness.js';
import type { GitHttpServer } from '@gitseal/sync/testing';
import { createNamespaceWithAccount, kubectlOk, nodeCluster, type NodeClusterInfo } from '../support/index.js';
import { installGitseal, SYSTEM } from './gitseal-install.js';
import { runningWebPods, WEB_APP, webAppAnswer, webAppFiles } from './web-app.js';

const GATEWAY = '10.88.0.1';
const markers: string[] = [];
let repo: GitRepo | undefined;
let server: GitHttpServer | undefined;
after(async () => {
  await server?.close();
  repo?.remove();
});

interface App {
  readonly node: NodeClusterInfo;
  readonly kc: KubeConfig;
  readonly namespace: string;
  readonly repo: GitRepo;
  readonly syncs: GitSyncs;
  readonly certPem: string;
  readonly appImage: string;
  first: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function files(
  app: Pick<App, 'namespace' | 'certPem' | 'appImage'>,
  o: { version: string; secret: string; secretRev: string; fail?: boolean },
) {
  const sealed = {
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: WEB_APP.secret, namespace: app.namespace },
    spec: {
      encryptedData: sealItems(app.certPem, 'strict', app.namespace, WEB_APP.secret, { password: o.secret }),
      template: {},
    },
  };
  return webAppFiles({
    overlay: 'test',
    image: app.appImage,
    version: o.version,
    sealedSecret: JSON.stringify(sealed),
    secretRev: o.secretRev,
    ...(o.fail ? { fail: true } : {}),
  });
}

let once: Promise<App> | undefined;

async function setUp(t: TestContext): Promise<App | undefined> {
  const node = nodeCluster(t);
  if (!node) return undefined;
  once ??= (async () => {
    const installed = await installGitseal(node);
    const kc = installed.kc;
    const core = kc.makeApiClient(CoreV1Api);
    const namespace = await createNamespaceWithAccount(kc, 'node-app', 'deployer');
    const certs = await core.readNamespacedConfigMap({ namespace: SYSTEM, name: 'gitseal-certs' });
    const certPem = certs.data?.['cert.pem'] ?? '';
    repo = createGitRepo();
    const password = marker('git-password');
    markers.push(password);
    server = await serveOverHttp(repo.bare, `Basic ${Buffer.from(`git:${password}`).toString('base64')}`, GATEWAY);
    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'git' }, stringData: { username: 'git', password } },
    });
    const secret = marker('app-secret-1');
    markers.push(secret);
    const app = {
      node,
      kc,
      namespace,
      repo,
      syncs: new GitSyncs(kc),
      certPem,
      appImage: installed.appImage,
      first: '',
    };
    app.first = repo.commit(files(app, { version: 'v1', secret, secretRev: '1' }));
    await app.syncs.create(namespace, 'app', {
      source: { url: server.url, path: 'overlays/test', secretRef: { name: 'git' } },
      interval: '1h',
      serviceAccountName: 'deployer',
      wait: true,
      timeout: '3m',
    });
    (app as { secret?: string }).secret = secret;
    return app;
  })();
  return once;
}

const serving = (app: App, version: string, secret: string) =>
  waitFor(
    `the app serves ${version}`,
    async () => {
      const a = await webAppAnswer(app.kc, app.namespace);
      return a?.version === version && a.secretSha256 === sha256(secret) ? a : undefined;
    },
    120_000,
    500,
  );

test('with wait: true the GitSync is Ready only once the Deployment is Available; the app answers over its Service', async (t) => {
  const app = await setUp(t);
  if (!app) return;
  const ready = await app.syncs.waitFor(app.namespace, 'app', 'Ready', readyAt(app.first), 240_000);
  const deployment = await app.kc
    .makeApiClient(AppsV1Api)
    .readNamespacedDeployment({ namespace: app.namespace, name: 'web' });
  assert.ok((deployment.status?.availableReplicas ?? 0) >= 1, 'Available when Ready');
  await serving(app, 'v1', (app as unknown as { secret: string }).secret);
  assertNoMarkers(JSON.stringify(ready.status), markers, 'GitSync status');
});

test('delete the Deployment: gitseal restores it and it serves again', async (t) => {
  const app = await setUp(t);
  if (!app) return;
  await app.syncs.waitFor(app.namespace, 'app', 'Ready', readyAt(app.first), 240_000);
  await app.kc.makeApiClient(AppsV1Api).deleteNamespacedDeployment({ namespace: app.namespace, name: 'web' });
  await waitFor('Deployment back', () =>
    app.kc
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ namespace: app.namespace, name: 'web' })
      .catch(() => undefined),
  );
  await serving(app, 'v1', (app as unknown as { secret: string }).secret);
});

test('kubectl scale --replicas=4: back to the Git value, and the extra pods terminate', async (t) => {
  const app = await setUp(t);
  if (!app) return;
  await app.syncs.waitFor(app.namespace, 'app', 'Ready', readyAt(app.first), 240_000);
  await kubectlOk([
    '--kubeconfig',
    app.node.kubeconfigPath,
    '-n',
    app.namespace,
    'scale',
    'deployment/web',
    '--replicas=4',
  ]);
  await waitFor(
    'spec.replicas back to 1',
    async () => {
      const d = await app.kc
        .makeApiClient(AppsV1Api)
        .readNamespacedDeployment({ namespace: app.namespace, name: 'web' });
      return d.spec?.replicas === 1 ? true : undefined;
    },
    30_000,
  );
  await waitFor(
    'one pod left',
    async () => ((await runningWebPods(app.kc, app.namespace)).length === 1 ? true : undefined),
    90_000,
    500,
  );
});

test('a value changed in Git rolls out and the new pods serve it; a sealed value changed in Git reaches the app', async (t) => {
  const app = await setUp(t);
  if (!app) return;
  const secret1 = (app as unknown as { secret: string }).secret;
  const v2 = app.repo.commit(files(app, { version: 'v2', secret: secret1, secretRev: '1' }));
  await app.syncs.trigger(app.namespace, 'app');
  await app.syncs.waitFor(app.namespace, 'app', 'Ready at v2', readyAt(v2), 240_000);
  await serving(app, 'v2', secret1);
  const secret2 = marker('app-secret-2');
  markers.push(secret2);
  const rotated = app.repo.commit(files(app, { version: 'v2', secret: secret2, secretRev: '2' }));
  await app.syncs.trigger(app.namespace, 'app');
  await app.syncs.waitFor(app.namespace, 'app', 'Ready with the new secret', readyAt(rotated), 240_000);
  await serving(app, 'v2', secret2);
});

test('a rollout whose container exits turns the GitSync Ready=False naming the Deployment and the crash loop, before its progress deadline', async (t) => {
  const app = await setUp(t);
  if (!app) return;
  const secret = marker('app-secret-fail');
  markers.push(secret);
  const broken = app.repo.commit(files(app, { version: 'v3', secret, secretRev: '3', fail: true }));
  const triggered = Date.now();
  await app.syncs.trigger(app.namespace, 'app');
  const failed = await app.syncs.waitFor(
    app.namespace,
    'app',
    'HealthCheckFailed',
    (o: GitSyncObject) =>
      gitSyncCondition(o, 'Ready')?.status === 'False' &&
      gitSyncCondition(o, 'Ready')?.reason === 'HealthCheckFailed' &&
      o.status?.lastAttemptedRevision === `main@sha1:${broken}`,
    240_000,
  );
  const elapsed = Date.now() - triggered;
  const message = gitSyncCondition(failed, 'Ready')?.message ?? '';
  // The new Pod's container (APP_FAIL=1: exit 1 at start) backs off; the health wait reads the rollout's Pods
  // as the GitSync's ServiceAccount and fails at once, without waiting for progressDeadlineSeconds (20 s).
  assert.match(
    message,
    new RegExp(
      `^failed: Deployment ${app.namespace}/web: pod web-[a-z0-9]+-[a-z0-9]+ container web: CrashLoopBackOff ` +
        `\\(\\d+ restarts?, last exit: Error, exit code 1\\)`,
    ),
  );
  assert.ok(elapsed < 20_000, `reported after ${elapsed} ms, not before the progress deadline`);
  assertNoMarkers(JSON.stringify(failed.status), markers, 'GitSync status');
});
