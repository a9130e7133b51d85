// Hooks with real workloads: gitseal running as a Pod syncs a GitSync whose PreSync hook is a Job and whose PostSync
// hook is a Pod, both running the e2e app image on the real node. The Job controller, not the test, decides when
// they succeed or fail (the API-only tier's sync-waves-hooks test writes those conditions itself).
import assert from 'node:assert/strict';
import { after, test, type TestContext } from 'node:test';
import { BatchV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { marker } from '../e2e/cli-harness.js';
import {
  createGitRepo,
  failedWith,
  gitSyncCondition,
  GitSyncs,
  readyAt,
  serveOverHttp,
  type GitRepo,
} from '../e2e/sync-harness.js';
import type { GitHttpServer } from '@gitseal/sync/testing';
import { createNamespaceWithAccount, nodeCluster } from '../support/index.js';
import { installGitseal } from './gitseal-install.js';

const GATEWAY = '10.88.0.1';
let repo: GitRepo | undefined;
let server: GitHttpServer | undefined;
after(async () => {
  await server?.close();
  repo?.remove();
});

interface Env {
  readonly kc: KubeConfig;
  readonly namespace: string;
  readonly repo: GitRepo;
  readonly syncs: GitSyncs;
  readonly image: string;
  readonly serverUrl: string;
}

let once: Promise<Env> | undefined;

async function setUp(t: TestContext): Promise<Env | undefined> {
  const node = nodeCluster(t);
  if (!node) return undefined;
  once ??= (async () => {
    const installed = await installGitseal(node);
    const kc = installed.kc;
    const core = kc.makeApiClient(CoreV1Api);
    const namespace = await createNamespaceWithAccount(kc, 'node-hooks', 'deployer');
    repo = createGitRepo();
    const password = marker('hooks-git-password');
    server = await serveOverHttp(repo.bare, `Basic ${Buffer.from(`git:${password}`).toString('base64')}`, GATEWAY);
    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'git' }, stringData: { username: 'git', password } },
    });
    return { kc, namespace, repo, syncs: new GitSyncs(kc), image: installed.appImage, serverUrl: server.url };
  })();
  return once;
}

/** A container of the e2e app image: `exit` runs `node -e process.exit(code)`; otherwise APP_FAIL=1 (exits 1). */
function container(image: string, exit: number | 'fail') {
  return {
    name: 'main',
    image,
    imagePullPolicy: 'IfNotPresent',
    ...(exit === 'fail'
      ? { env: [{ name: 'APP_FAIL', value: '1' }] }
      : { command: ['node', '-e', `process.exit(${exit})`] }),
  };
}

function migrateJob(image: string, exit: number | 'fail'): string {
  return JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      generateName: 'migrate-',
      annotations: {
        'argocd.argoproj.io/hook': 'PreSync',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded',
      },
    },
    spec: {
      backoffLimit: 0,
      template: {
        spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 1, containers: [container(image, exit)] },
      },
    },
  });
}

const smokePod = (image: string): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'smoke', annotations: { 'gitseal.dev/hook': 'PostSync' } },
    spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 1, containers: [container(image, 0)] },
  });

const configMap = (version: string): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config' }, data: { version } });

test('a PreSync Job and a PostSync Pod run on the node; HookSucceeded deletes the Job', async (t) => {
  const env = await setUp(t);
  if (!env) return;
  const commit = env.repo.commit({
    'hooks/migrate.yaml': migrateJob(env.image, 0),
    'hooks/smoke.yaml': smokePod(env.image),
    'config.yaml': configMap('one'),
  });
  await env.syncs.create(env.namespace, 'app', {
    source: { url: env.serverUrl, secretRef: { name: 'git' } },
    interval: '1h',
    serviceAccountName: 'deployer',
    timeout: '3m',
  });
  await env.syncs.waitFor(env.namespace, 'app', 'Ready after both hooks', readyAt(commit), 240_000);
  const core = env.kc.makeApiClient(CoreV1Api);
  assert.equal(
    (await core.readNamespacedConfigMap({ namespace: env.namespace, name: 'config' })).data?.['version'],
    'one',
  );
  const jobs = await env.kc
    .makeApiClient(BatchV1Api)
    .listNamespacedJob({ namespace: env.namespace, labelSelector: `gitseal.dev/hook-of=${env.namespace}.app` });
  assert.deepEqual(jobs.items, [], 'the succeeded Job was deleted (HookSucceeded)');
  const smoke = await core.readNamespacedPod({ namespace: env.namespace, name: 'smoke' });
  assert.equal(smoke.status?.phase, 'Succeeded');
});

test('a PreSync Job whose pod fails stops the revision: HookFailed, nothing of the main phase written', async (t) => {
  const env = await setUp(t);
  if (!env) return;
  const bad = env.repo.commit({ 'hooks/migrate.yaml': migrateJob(env.image, 'fail'), 'config.yaml': configMap('two') });
  await env.syncs.trigger(env.namespace, 'app');
  const failed = await env.syncs.waitFor(env.namespace, 'app', 'HookFailed', failedWith('HookFailed', bad), 240_000);
  assert.match(
    gitSyncCondition(failed, 'Ready')?.message ?? '',
    new RegExp(
      `^PreSync hook Job ${env.namespace}/migrate-[a-z0-9]{5} \\(hooks/migrate\\.yaml#0\\): job failed \\(BackoffLimitExceeded\\)`,
    ),
  );
  const core = env.kc.makeApiClient(CoreV1Api);
  assert.equal(
    (await core.readNamespacedConfigMap({ namespace: env.namespace, name: 'config' })).data?.['version'],
    'one',
  );
});
