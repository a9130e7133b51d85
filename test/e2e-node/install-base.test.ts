// gitseal installed the way the README says (`kubectl apply -k deploy/base`, the image overridden by an overlay), on
// the real node, from the image built out of deploy/Dockerfile: the controller Pod becomes Ready, leads, makes its
// key, publishes its certificate; the CLI reaches it through the API server; two replicas fail over.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { AppsV1Api, CoordinationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { createTestNamespace, kubectlOk, nodeCluster, type NodeClusterInfo } from '../support/index.js';
import { assertNoMarkers, marker, runCli } from '../e2e/cli-harness.js';
import { controllerPods, installGitseal, podReady, SYSTEM, type Installed } from './gitseal-install.js';
import { b64, Cluster, waitFor } from '../e2e/controller-harness.js';

const markers: string[] = [];
const work = mkdtempSync(join(tmpdir(), 'gitseal-node-install-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function install(t: TestContext): Promise<(Installed & { node: NodeClusterInfo }) | undefined> {
  const node = nodeCluster(t);
  if (!node) return undefined;
  return { ...(await installGitseal(node)), node };
}

const ready = podReady;

async function leaseHolder(kc: KubeConfig): Promise<string | undefined> {
  const lease = await kc
    .makeApiClient(CoordinationV1Api)
    .readNamespacedLease({ namespace: SYSTEM, name: 'gitseal-controller' })
    .catch(() => undefined);
  return lease?.spec?.holderIdentity ?? undefined;
}

test('kubectl apply -k deploy/base: the controller Pod from our image becomes Ready, leads, makes its key and publishes gitseal-certs', async (t) => {
  const e = await install(t);
  if (!e) return;
  const pod = await waitFor('controller Pod Ready', async () => (await controllerPods(e.kc)).find(ready), 180_000, 500);
  assert.equal(pod.spec?.containers[0]?.image, e.controllerImage);
  const holder = await waitFor('Lease held', () => leaseHolder(e.kc), 60_000);
  assert.match(holder, new RegExp(pod.metadata?.name ?? 'no pod'));
  const core = e.kc.makeApiClient(CoreV1Api);
  const keys = await core.listNamespacedSecret({ namespace: SYSTEM, labelSelector: 'gitseal.dev/sealing-key' });
  assert.equal(keys.items.length, 1);
  const certs = await waitFor('gitseal-certs', () =>
    core.readNamespacedConfigMap({ namespace: SYSTEM, name: 'gitseal-certs' }).catch(() => undefined),
  );
  assert.match(certs.data?.['cert.pem'] ?? '', /BEGIN CERTIFICATE/);
});

test('gitseal seal with no --cert reaches the Pod through the API server; the SealedSecret becomes its Secret; metrics come through the Service', async (t) => {
  const e = await install(t);
  if (!e) return;
  await waitFor('controller Pod Ready', async () => (await controllerPods(e.kc)).find(ready), 180_000, 500);
  const namespace = await createTestNamespace(e.kc, 'node-seal');
  const password = marker('node-seal');
  markers.push(password);
  const secret = join(work, 'secret.yaml');
  writeFileSync(
    secret,
    `apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: ${namespace}}\nstringData: {password: ${password}}\n`,
  );
  const sealed = await runCli(['seal', '-f', secret], { env: { KUBECONFIG: e.node.kubeconfigPath } });
  assert.equal(sealed.code, 0, sealed.stderr);
  assert.match(sealed.stderr, /from ConfigMap gitseal-system\/gitseal-certs, matches the controller's \/v1\/cert\.pem/);
  const file = join(work, 'sealed.yaml');
  writeFileSync(file, sealed.stdout);
  const validated = await runCli(['validate', '-f', file], { env: { KUBECONFIG: e.node.kubeconfigPath } });
  assert.equal(validated.code, 0, validated.stderr);
  await kubectlOk(['--kubeconfig', e.node.kubeconfigPath, 'apply', '-f', file]);
  await new Cluster(e.kc).waitSecretData(namespace, 'db', { password: b64(password) }, 60_000);
  const metrics = await kubectlOk([
    '--kubeconfig',
    e.node.kubeconfigPath,
    'get',
    '--raw',
    `/api/v1/namespaces/${SYSTEM}/services/gitseal-controller:metrics/proxy/metrics`,
  ]);
  assert.match(metrics, /^gitseal_rsa_private_operations_total /m);
  assertNoMarkers(`${sealed.stderr}${validated.stdout}${validated.stderr}${metrics}`, markers, 'CLI and metrics');
});

test('two replicas: one leads; killing the leader Pod hands the Lease over and unsealing goes on', async (t) => {
  const e = await install(t);
  if (!e) return;
  const apps = e.kc.makeApiClient(AppsV1Api);
  await apps.patchNamespacedDeploymentScale({
    namespace: SYSTEM,
    name: 'gitseal-controller',
    body: [{ op: 'replace', path: '/spec/replicas', value: 2 }],
  });
  await waitFor(
    'two Ready controller Pods',
    async () => ((await controllerPods(e.kc)).filter(ready).length === 2 ? true : undefined),
    180_000,
    500,
  );
  const leader = await waitFor('Lease held', () => leaseHolder(e.kc), 60_000);
  const leaderPod = (await controllerPods(e.kc)).find((p) => leader.includes(p.metadata?.name ?? '\0'));
  assert.ok(leaderPod?.metadata?.name, `a Pod holds the Lease (${leader})`);
  await e.kc
    .makeApiClient(CoreV1Api)
    .deleteNamespacedPod({ namespace: SYSTEM, name: leaderPod.metadata.name, gracePeriodSeconds: 0 });
  const next = await waitFor(
    'another Pod leads',
    async () => {
      const h = await leaseHolder(e.kc);
      return h && !h.includes(leaderPod.metadata?.name ?? '') ? h : undefined;
    },
    60_000,
    250,
  );
  assert.notEqual(next, leader);
  const namespace = await createTestNamespace(e.kc, 'node-failover');
  const value = marker('after-failover');
  markers.push(value);
  const secret = join(work, 'after.yaml');
  writeFileSync(
    secret,
    `apiVersion: v1\nkind: Secret\nmetadata: {name: after, namespace: ${namespace}}\nstringData: {value: ${value}}\n`,
  );
  const sealed = await runCli(['seal', '-f', secret], { env: { KUBECONFIG: e.node.kubeconfigPath } });
  assert.equal(sealed.code, 0, sealed.stderr);
  await kubectlOk(['--kubeconfig', e.node.kubeconfigPath, 'apply', '-f', '-'], sealed.stdout);
  await new Cluster(e.kc).waitSecretData(namespace, 'after', { value: b64(value) }, 60_000);
});
