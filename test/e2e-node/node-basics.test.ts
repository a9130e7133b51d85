// The real node itself, and what only a real cluster does: Pods run, ServiceAccount tokens are mounted, the API is
// behind the `kubernetes` Service, and kube-controller-manager garbage-collects what gitseal owns.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { crdPath, createTestNamespace, installCrd, kubeConfigFor, kubectl, nodeCluster } from '../support/index.js';
import { assertNoMarkers, marker } from '../e2e/cli-harness.js';
import {
  allControllerOutput,
  b64,
  Cluster,
  sealItems,
  startControllerProcess,
  stopAllControllers,
  waitFor,
  type ControllerProcess,
} from '../e2e/controller-harness.js';

const markers: string[] = [];
after(async () => {
  await stopAllControllers();
  assertNoMarkers(allControllerOutput(), markers, 'controller output');
});

const PAUSE = 'localhost/gitseal-pause:3.10';

test('kubectl version reads the stamped server version, and the node is Ready with containerd 2', async (t) => {
  const node = nodeCluster(t);
  if (!node) return;
  const run = await kubectl(['--kubeconfig', node.kubeconfigPath, 'version', '-o', 'json']);
  assert.equal(run.code, 0, run.stderr);
  const version = JSON.parse(run.stdout) as { serverVersion?: { gitVersion?: string; major?: string; minor?: string } };
  assert.equal(version.serverVersion?.gitVersion, 'v1.35.4');
  assert.deepEqual([version.serverVersion?.major, version.serverVersion?.minor], ['1', '35']);
  const core = kubeConfigFor(node.kubeconfigPath).makeApiClient(CoreV1Api);
  const n = await core.readNode({ name: node.nodeName });
  assert.equal(n.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  assert.match(n.status?.nodeInfo?.containerRuntimeVersion ?? '', /^containerd:\/\/2\./);
  assert.equal(n.status?.nodeInfo?.kubeletVersion, 'v1.35.4');
});

test('a Pod runs with a mounted ServiceAccount token; the kubernetes Service points at the pod-reachable API address', async (t) => {
  const node = nodeCluster(t);
  if (!node) return;
  const kc = kubeConfigFor(node.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = await createTestNamespace(kc, 'node-pod');
  // kube-controller-manager makes the namespace's default ServiceAccount; admission needs it for the Pod.
  await waitFor('default ServiceAccount', () =>
    core.readNamespacedServiceAccount({ namespace, name: 'default' }).catch(() => undefined),
  );
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name: 'pause' },
      spec: { containers: [{ name: 'pause', image: PAUSE, imagePullPolicy: 'IfNotPresent' }] },
    },
  });
  const pod = await waitFor(
    'Pod Running',
    async () => {
      const p = await core.readNamespacedPod({ namespace, name: 'pause' });
      return p.status?.phase === 'Running' ? p : undefined;
    },
    60_000,
  );
  assert.match(pod.status?.podIP ?? '', /^10\.88\./);
  const tokenVolume = pod.spec?.volumes?.find((v) => v.name.startsWith('kube-api-access-'));
  assert.ok(
    tokenVolume?.projected?.sources?.some((s) => s.serviceAccountToken),
    'a projected ServiceAccount token',
  );
  const endpoints = await core.readNamespacedEndpoints({ namespace: 'default', name: 'kubernetes' });
  assert.equal(endpoints.subsets?.[0]?.addresses?.[0]?.ip, '10.88.0.1');
  const service = await core.readNamespacedService({ namespace: 'default', name: 'kubernetes' });
  assert.equal(service.spec?.clusterIP, '10.96.0.1');
});

let controller: ControllerProcess | undefined;
let certPem = '';

async function gitseal(kc: KubeConfig, kubeconfigPath: string): Promise<ControllerProcess> {
  if (controller) return controller;
  await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
  await installCrd(kc, crdPath('gitsyncs.gitseal.dev.yaml'));
  const ns = await createTestNamespace(kc, 'gitseal-system');
  controller = await startControllerProcess(kubeconfigPath, [
    '--namespace',
    ns,
    '--key-size',
    '2048',
    '--resync-period',
    '0',
  ]);
  certPem = await (await fetch(`${controller.api}/v1/cert.pem`)).text();
  return controller;
}

/** A SealedSecret sealed to the controller's certificate, created and waited for until its Secret holds the value. */
async function unsealed(cluster: Cluster, namespace: string, name: string): Promise<void> {
  const value = marker(`${namespace}-${name}`);
  markers.push(value);
  await cluster.createSealed(
    Cluster.sealedSecret(namespace, name, sealItems(certPem, 'strict', namespace, name, { value })),
  );
  await cluster.waitSecretData(namespace, name, { value: b64(value) });
}

test("deleting a SealedSecret removes its Secret (the garbage collector follows gitseal's ownerReference)", async (t) => {
  const node = nodeCluster(t);
  if (!node) return;
  const kc = kubeConfigFor(node.kubeconfigPath);
  await gitseal(kc, node.kubeconfigPath);
  const cluster = new Cluster(kc);
  const namespace = await createTestNamespace(kc, 'node-gc');
  await unsealed(cluster, namespace, 'db');
  await kc.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({
    group: 'gitseal.dev',
    version: 'v1alpha1',
    plural: 'sealedsecrets',
    namespace,
    name: 'db',
  });
  await waitFor(
    'Secret garbage-collected',
    async () => ((await cluster.readSecret(namespace, 'db')) ? undefined : true),
    60_000,
  );
});

test('deleting a namespace that holds a GitSync and SealedSecrets completes', async (t) => {
  const node = nodeCluster(t);
  if (!node) return;
  const kc = kubeConfigFor(node.kubeconfigPath);
  await gitseal(kc, node.kubeconfigPath);
  const cluster = new Cluster(kc);
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = await createTestNamespace(kc, 'node-ns-delete');
  await unsealed(cluster, namespace, 's');
  await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: 'gitseal.dev',
    version: 'v1alpha1',
    plural: 'gitsyncs',
    namespace,
    body: {
      apiVersion: 'gitseal.dev/v1alpha1',
      kind: 'GitSync',
      metadata: { name: 'app' },
      spec: { source: { url: 'https://git.invalid/app.git' }, interval: '1h', suspend: true },
    },
  });
  await core.deleteNamespace({ name: namespace });
  await waitFor(
    `namespace ${namespace} gone`,
    () =>
      core.readNamespace({ name: namespace }).then(
        () => undefined,
        (e: { code?: number }) => (e.code === 404 ? true : undefined),
      ),
    120_000,
  );
});
