// `helm upgrade --install` from deploy/helm/gitseal on the real node: the chart takes over what deploy/base put
// there (--take-ownership, and Helm 4's --force-conflicts for the fields kubectl applied), and the controller Pod it
// describes becomes Ready, leads and unseals.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AppsV1Api, CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { resolveHelmBinary } from '../cluster/helm-binary.js';
import { imageVersions } from '../image/index.js';
import { createTestNamespace, nodeCluster, runCommandOk } from '../support/index.js';
import { assertNoMarkers, marker, REPO_ROOT } from '../e2e/cli-harness.js';
import { b64, Cluster, sealItems, waitFor } from '../e2e/controller-harness.js';
import { controllerPods, installGitseal, podReady, SYSTEM } from './gitseal-install.js';

const helmHome = mkdtempSync(join(tmpdir(), 'gitseal-node-helm-'));
after(() => rmSync(helmHome, { recursive: true, force: true }));
const markers: string[] = [];

test('helm upgrade --install: the chart’s controller Pod becomes Ready, holds the Lease, and unseals', async (t) => {
  const node = nodeCluster(t);
  if (!node) return;
  const { kc, controllerImage } = await installGitseal(node);
  const helm = await resolveHelmBinary();
  const [repository = '', tag = ''] = controllerImage.split(/:(?=[^:]+$)/);
  assert.equal(tag, imageVersions().gitseal);
  const env = {
    ...process.env,
    KUBECONFIG: node.kubeconfigPath,
    HELM_CACHE_HOME: join(helmHome, 'cache'),
    HELM_CONFIG_HOME: join(helmHome, 'config'),
    HELM_DATA_HOME: join(helmHome, 'data'),
  };
  await runCommandOk(
    helm,
    [
      'upgrade',
      '--install',
      'gitseal',
      join(REPO_ROOT, 'deploy', 'helm', 'gitseal'),
      '--namespace',
      SYSTEM,
      '--take-ownership',
      // Helm 4 installs with server-side apply: fields kubectl applied (deploy/base's args, env) conflict
      // unless the release forces them over, which is what taking the install over means.
      '--force-conflicts',
      '--set',
      `image.repository=${repository}`,
      '--set',
      `image.tag=${tag}`,
      '--wait',
      '--timeout',
      '5m',
    ],
    { env },
  );
  const status = await runCommandOk(helm, ['status', 'gitseal', '--namespace', SYSTEM, '-o', 'json'], { env });
  assert.equal((JSON.parse(status) as { info?: { status?: string } }).info?.status, 'deployed');
  const deployment = await kc
    .makeApiClient(AppsV1Api)
    .readNamespacedDeployment({ namespace: SYSTEM, name: 'gitseal-controller' });
  assert.equal(deployment.metadata?.labels?.['app.kubernetes.io/managed-by'], 'Helm');
  assert.ok(
    !deployment.spec?.template.spec?.containers[0]?.args?.includes('--git-allow-http'),
    "the chart's own arguments",
  );
  const pod = await waitFor(
    'a Ready controller Pod of the release',
    async () => {
      const pods = await controllerPods(kc);
      // The release's Pods run the chart's arguments (the test overlay's --git-allow-http is gone).
      return pods.find((p) => podReady(p) && !p.spec?.containers[0]?.args?.includes('--git-allow-http'));
    },
    180_000,
    500,
  );
  await waitFor(
    'the release Pod leads',
    async () => {
      const lease = await kc
        .makeApiClient(CoordinationV1Api)
        .readNamespacedLease({ namespace: SYSTEM, name: 'gitseal-controller' });
      return lease.spec?.holderIdentity?.includes(pod.metadata?.name ?? '\0') ? true : undefined;
    },
    90_000,
    500,
  );
  const certs = await kc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace: SYSTEM, name: 'gitseal-certs' });
  const namespace = await createTestNamespace(kc, 'node-helm');
  const value = marker('helm-unseal');
  markers.push(value);
  const cluster = new Cluster(kc);
  await cluster.createSealed(
    Cluster.sealedSecret(
      namespace,
      'db',
      sealItems(certs.data?.['cert.pem'] ?? '', 'strict', namespace, 'db', { value }),
    ),
  );
  await cluster.waitSecretData(namespace, 'db', { value: b64(value) }, 60_000);
  assertNoMarkers(status, markers, 'helm status');
});
