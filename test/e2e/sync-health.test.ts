// Health on the real API server (no kubelet here: the tests write status the way controllers would):
// spec.healthChecks (CEL per kind) on a real CRD and custom resource whose status is patched, a crash-looping
// Deployment's Pods read by the health wait (and silently not, by a reader without Pod rights), and a GitSync whose
// health check does not compile stalled by the controller, naming the entry, until it is fixed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { makeObjectApi } from '@gitseal/kube';
import type { HealthCheckSpec, KubeObject } from '@gitseal/manifests';
import { waitHealthy } from '@gitseal/sync';
import { createTestNamespace, impersonating, installCrd, kubeConfigFor, sharedControlPlane } from '../support/index.js';
import {
  configMapJson,
  createGitRepo,
  createSyncNamespace,
  failedWith,
  finishSyncTests,
  gitSyncCondition,
  readyAt,
  startSyncController,
  type GitRepo,
} from './sync-harness.js';

const plane = sharedControlPlane();
const repos: GitRepo[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'gitseal-sync-health-'));
after(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await finishSyncTests('sync-health.log', repos, []);
});

const GROUP = 'health.e2e.gitseal.dev';
/** A Database kind with a status subresource, whose status follows no convention kstatus knows (a `phase`). */
const databaseCrd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: databases.${GROUP} }
spec:
  group: ${GROUP}
  scope: Namespaced
  names: { kind: Database, plural: databases, singular: database, listKind: DatabaseList }
  versions:
    - name: v1
      served: true
      storage: true
      subresources: { status: {} }
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, x-kubernetes-preserve-unknown-fields: true }
            status: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;
const databaseCheck: HealthCheckSpec = {
  apiVersion: `${GROUP}/v1`,
  kind: 'Database',
  inProgress: "status.?phase.orValue('') in ['', 'Provisioning']",
  failed: "status.phase == 'Failed'",
  current: "status.phase == 'Running' && status.readyReplicas == spec.replicas",
};

async function setup(t: TestContext) {
  const cp = plane.use(t);
  if (!cp) return undefined;
  const kc = kubeConfigFor(cp.kubeconfigPath);
  const crdFile = join(scratch, 'databases.yaml');
  writeFileSync(crdFile, databaseCrd);
  await installCrd(kc, crdFile);
  return { cp, kc };
}

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

test('spec.healthChecks on a real custom resource: waits through Provisioning, Current when Running, fails on Failed', async (t) => {
  const env = await setup(t);
  if (!env) return;
  const { kc } = env;
  const namespace = await createTestNamespace(kc, 'health-cel');
  const custom = kc.makeApiClient(CustomObjectsApi);
  const ref = { group: GROUP, version: 'v1', namespace, plural: 'databases' };
  const create = (name: string) =>
    custom.createNamespacedCustomObject({
      ...ref,
      body: { apiVersion: `${GROUP}/v1`, kind: 'Database', metadata: { name }, spec: { replicas: 2 } },
    });
  const setStatus = (name: string, status: Record<string, unknown>) =>
    custom.patchNamespacedCustomObjectStatus({ ...ref, name, body: { status } }, merge);
  await create('orders');
  await create('billing');
  const reader = makeObjectApi(kc);
  const objects = (name: string): KubeObject[] => [
    { apiVersion: `${GROUP}/v1`, kind: 'Database', metadata: { name, namespace } },
  ];

  // Without the entry kstatus has nothing to wait for on this kind: healthy at once, status or not.
  assert.deepEqual(await waitHealthy({ reader, objects: objects('orders'), deadline: Date.now() + 5_000 }), {
    healthy: true,
  });

  // With it, no status yet is InProgress (the optional field reads as ''), until the deadline.
  const early = await waitHealthy({
    reader,
    objects: objects('orders'),
    deadline: Date.now() + 1_500,
    pollMs: 200,
    healthChecks: [databaseCheck],
  });
  assert.equal(early.healthy, false);
  assert.ok(!early.healthy && !early.failed);
  assert.match(
    early.healthy ? '' : early.message,
    new RegExp(
      `^not ready in time: Database ${namespace}/orders: spec.healthChecks\\[0\\] \\(${GROUP} Database\\): inProgress is true$`,
    ),
  );

  // Provisioning → Running with too few replicas → Running with all: healthy only at the end.
  const waiting = waitHealthy({
    reader,
    objects: objects('orders'),
    deadline: Date.now() + 20_000,
    pollMs: 200,
    healthChecks: [databaseCheck],
  });
  let settled = false;
  void waiting.then(() => (settled = true));
  await setStatus('orders', { phase: 'Provisioning' });
  await new Promise((r) => setTimeout(r, 600));
  await setStatus('orders', { phase: 'Running', readyReplicas: 1 });
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(settled, false, 'still waiting while 1/2 replicas are ready');
  await setStatus('orders', { phase: 'Running', readyReplicas: 2 });
  assert.deepEqual(await waiting, { healthy: true });

  // Failed ends the wait at once, naming the object and the entry.
  await setStatus('billing', { phase: 'Failed' });
  const started = Date.now();
  const failed = await waitHealthy({
    reader,
    objects: objects('billing'),
    deadline: Date.now() + 20_000,
    pollMs: 200,
    healthChecks: [databaseCheck],
  });
  assert.ok(Date.now() - started < 5_000);
  assert.ok(!failed.healthy && failed.failed);
  assert.equal(
    failed.healthy ? '' : failed.message,
    `failed: Database ${namespace}/billing: spec.healthChecks[0] (${GROUP} Database): failed is true`,
  );
});

test('a crash-looping Deployment fails the wait at once, naming Pod, container and restarts; no Pod rights: old message', async (t) => {
  const env = await setup(t);
  if (!env) return;
  const { kc } = env;
  const namespace = await createTestNamespace(kc, 'health-pods');
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const labels = { app: 'web' };
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'localhost/app:v1' }] } },
      },
    },
  });
  // What kube-controller-manager would write: one updated replica, not ready.
  await apps.patchNamespacedDeploymentStatus(
    { namespace, name: 'web', body: { status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1 } } },
    merge,
  );
  const podLabels = { ...labels, 'pod-template-hash': 'abc12' };
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: 'web-abc12-x1', labels: podLabels },
      spec: { containers: [{ name: 'app', image: 'localhost/app:v1' }] },
    },
  });
  // And what the kubelet would write: the container exited and is backing off (its message is never repeated).
  await core.patchNamespacedPodStatus(
    {
      namespace,
      name: 'web-abc12-x1',
      body: {
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'app',
              image: 'localhost/app:v1',
              imageID: '',
              ready: false,
              restartCount: 3,
              state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
              lastState: { terminated: { reason: 'Error', exitCode: 1, message: 'fatal: APP_FAIL=1' } },
            },
          ],
        },
      },
    },
    merge,
  );
  const objects: KubeObject[] = [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace } }];
  const started = Date.now();
  const result = await waitHealthy({ reader: makeObjectApi(kc), objects, deadline: Date.now() + 20_000, pollMs: 200 });
  assert.ok(Date.now() - started < 5_000, 'did not wait for a progress deadline');
  assert.ok(!result.healthy && result.failed);
  assert.equal(
    result.healthy ? '' : result.message,
    `failed: Deployment ${namespace}/web: pod web-abc12-x1 container app: CrashLoopBackOff (3 restarts, last exit: Error, exit code 1)`,
  );

  // A reader that may read Deployments but not Pods (a tenant's account) gets the Deployment's own status.
  const account = 'deployments-only';
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: account } } });
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createNamespacedRole({
    namespace,
    body: { metadata: { name: account }, rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }] },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: account },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: account },
      subjects: [{ kind: 'ServiceAccount', name: account, namespace }],
    },
  });
  const limited = impersonating(kc, `system:serviceaccount:${namespace}:${account}`);
  const fallback = await waitHealthy({
    reader: makeObjectApi(limited),
    objects,
    deadline: Date.now() + 1_000,
    pollMs: 200,
  });
  assert.ok(!fallback.healthy && !fallback.failed);
  assert.equal(
    fallback.healthy ? '' : fallback.message,
    `not ready in time: Deployment ${namespace}/web: 0/1 replicas available`,
  );
});

test('the controller stalls a GitSync whose health check does not compile, naming the entry, until it is fixed', async (t) => {
  const env = await setup(t);
  if (!env) return;
  const { syncs } = await startSyncController(env.cp.kubeconfigPath);
  const namespace = await createSyncNamespace(env.kc, 'health-spec');
  const repo = createGitRepo();
  repos.push(repo);
  const commit = repo.commit({ 'settings.yaml': configMapJson('settings', { mode: 'a' }) });
  const broken = { ...databaseCheck, failed: "status.phase == 'Failed' &&" };
  await syncs.create(namespace, 'app', {
    source: { url: repo.url, ref: { branch: 'main' } },
    interval: '1h',
    healthChecks: [broken],
  });
  const stalled = await syncs.waitFor(namespace, 'app', 'Stalled InvalidSpec', failedWith('InvalidSpec'));
  const message = gitSyncCondition(stalled, 'Ready')?.message ?? '';
  assert.match(
    message,
    new RegExp(`^spec.healthChecks\\[0\\] \\(${GROUP} Database\\) failed: invalid CEL expression: `),
  );
  assert.equal(gitSyncCondition(stalled, 'Stalled')?.reason, 'InvalidSpec');
  assert.equal(gitSyncCondition(stalled, 'Stalled')?.message, message);
  assert.equal(stalled.status?.lastAttemptedRevision, undefined, 'nothing was fetched or applied');
  const core = env.kc.makeApiClient(CoreV1Api);
  await assert.rejects(core.readNamespacedConfigMap({ namespace, name: 'settings' }), /404|not found/i);

  // The API server refuses what the CRD caps: an expression past 1024 characters.
  await assert.rejects(
    syncs.update(namespace, 'app', (o) => {
      o.spec.healthChecks = [{ ...databaseCheck, current: `true${' && true'.repeat(200)}` }];
    }),
    /Too long|1024/,
  );

  await syncs.update(namespace, 'app', (o) => {
    o.spec.healthChecks = [databaseCheck];
  });
  const ready = await syncs.waitFor(namespace, 'app', 'Ready after the fix', readyAt(commit));
  assert.equal(gitSyncCondition(ready, 'Stalled'), undefined);
});
