// The seeds' WordPress case on the real node: the umbrella chart (test/e2e/charts/wordpress-chart.ts) with its
// SealedSecret, synced by gitseal-controller run as a process with helm on its PATH (the image does not ship helm
// yet), its web Deployment and database StatefulSet (a volumeClaimTemplate bound to a local PersistentVolume) run as
// pods of the e2e app image, and the web Service answers a SHA-256 of the password it read from the Secret — never
// the password itself.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { getViaServiceProxy } from '@gitseal/kube';
import { resolveHelmBinary } from '../cluster/helm-binary.js';
import { importImage } from '../cluster/node-images.js';
import { buildImages, imageNames, imageVersions } from '../image/index.js';
import { assertNoMarkers, marker } from '../e2e/cli-harness.js';
import { wordpressNames, wordpressUmbrellaFiles } from '../e2e/charts/wordpress-chart.js';
import { allControllerOutput, sealItems, stopAllControllers, waitFor } from '../e2e/controller-harness.js';
import { createGitRepo, createSyncNamespace, readyAt, startSyncController, type GitRepo } from '../e2e/sync-harness.js';
import { kubeConfigFor, kubectlOk, nodeCluster, runCommand, type NodeClusterInfo } from '../support/index.js';

process.env.PATH = `${dirname(await resolveHelmBinary())}:${process.env.PATH ?? ''}`;

const RELEASE = 'blog';
const SECRET = 'wp-db';
const names = wordpressNames(RELEASE);
const markers: string[] = [];
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
let repo: GitRepo | undefined;
let pvName: string | undefined;
let restoreInCluster: (() => Promise<void>) | undefined;
let kubeconfigPath = '';

after(async () => {
  await stopAllControllers();
  repo?.remove();
  if (pvName) {
    await kubectlOk(['--kubeconfig', kubeconfigPath, 'delete', 'pv', pvName, '--ignore-not-found', '--wait=false']);
    rmSync(join(tmpdir(), `gitseal-${pvName}`), { recursive: true, force: true });
  }
  await restoreInCluster?.();
  assertNoMarkers(allControllerOutput(), markers, 'controller output');
});

/** The e2e app image in the node: imported unless it is there (built with buildah, cached). */
async function appImage(node: NodeClusterInfo): Promise<string> {
  const name = imageNames(imageVersions()).app;
  const listed = await runCommand(node.ctr, ['--address', node.containerdSocket, '-n', 'k8s.io', 'images', 'ls', '-q']);
  if (listed.code === 0 && listed.stdout.split('\n').includes(name)) return name;
  const work = mkdtempSync(join(tmpdir(), 'gitseal-node-app-'));
  try {
    const appOut = join(work, 'app.tar');
    await buildImages({ appOut });
    await importImage(node.ctr, node.containerdSocket, appOut);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return name;
}

/**
 * An in-cluster gitseal (installed by an earlier node test file) would reconcile this file's GitSync and
 * SealedSecret too, without helm and with other keys: it is scaled to 0 for this file and back afterwards.
 */
async function pauseInClusterGitseal(node: NodeClusterInfo): Promise<void> {
  const apps = kubeConfigFor(node.kubeconfigPath).makeApiClient(AppsV1Api);
  const found = await apps
    .readNamespacedDeployment({ namespace: 'gitseal-system', name: 'gitseal-controller' })
    .catch(() => undefined);
  const replicas = found?.spec?.replicas ?? 0;
  if (replicas === 0) return;
  const scale = (n: number) =>
    kubectlOk([
      ...['--kubeconfig', node.kubeconfigPath, '-n', 'gitseal-system'],
      ...['scale', 'deployment/gitseal-controller', `--replicas=${n}`],
    ]);
  await scale(0);
  restoreInCluster = async () => {
    await scale(replicas);
    await kubectlOk([
      ...['--kubeconfig', node.kubeconfigPath, '-n', 'gitseal-system'],
      ...['rollout', 'status', 'deployment/gitseal-controller', '--timeout=180s'],
    ]);
  };
  await waitFor(
    'in-cluster gitseal stopped',
    async () => {
      const pods = await apps
        .listNamespacedDeployment({ namespace: 'gitseal-system' })
        .then((l) => l.items.find((d) => d.metadata?.name === 'gitseal-controller')?.status?.replicas ?? 0);
      return pods === 0 ? true : undefined;
    },
    90_000,
    500,
  );
}

test('WordPress as an umbrella chart on the node: web and database pods run, the web Service answers the hash of the sealed password', async (t) => {
  const node = nodeCluster(t);
  if (!node) return;
  kubeconfigPath = node.kubeconfigPath;
  const image = await appImage(node);
  await pauseInClusterGitseal(node);
  const { kc, syncs, controller } = await startSyncController(node.kubeconfigPath);
  const certPem = await (await fetch(`${controller.api}/v1/cert.pem`)).text();
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const ns = await createSyncNamespace(kc, 'node-wp');
  // The database's volumeClaimTemplate binds to this PersistentVolume (the node has no provisioner).
  pvName = `${ns}-data`;
  await core.createPersistentVolume({
    body: {
      metadata: { name: pvName },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        hostPath: { path: join(tmpdir(), `gitseal-${pvName}`), type: 'DirectoryOrCreate' },
        claimRef: { namespace: ns, name: `data-${names.db}-0` },
      },
    },
  });
  const password = marker('node-wp-db');
  markers.push(password);
  repo = createGitRepo();
  const encryptedData = sealItems(certPem, 'strict', ns, SECRET, { password });
  const sealedSecret = JSON.stringify({
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: SECRET },
    spec: { encryptedData, template: { type: 'Opaque' } },
  });
  const commit = repo.commit(
    wordpressUmbrellaFiles({ path: 'blog', image, version: 'v1', existingSecret: SECRET, sealedSecret }),
  );
  await syncs.create(ns, 'blog', {
    source: { url: repo.url, path: 'blog' },
    interval: '1h',
    wait: true,
    timeout: '3m',
    helm: { releaseName: RELEASE },
  });
  const ready = await syncs.waitFor(ns, 'blog', 'Ready with wait: true', readyAt(commit), 240_000);
  assertNoMarkers(JSON.stringify(ready.status), markers, 'GitSync status');

  const web = await apps.readNamespacedDeployment({ namespace: ns, name: names.web });
  assert.ok((web.status?.availableReplicas ?? 0) >= 1, 'the web Deployment is Available when Ready');
  const db = await apps.readNamespacedStatefulSet({ namespace: ns, name: names.db });
  assert.equal(db.status?.readyReplicas, 1, 'the database StatefulSet has its pod ready');
  const claim = await core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: `data-${names.db}-0` });
  assert.equal(claim.status?.phase, 'Bound');
  const pods = await core.listNamespacedPod({ namespace: ns });
  const running = pods.items.filter((p) => p.status?.phase === 'Running').map((p) => p.metadata?.name ?? '');
  assert.ok(
    running.some((n) => n.startsWith(`${names.web}-`)),
    `web pod running: ${running.join(', ')}`,
  );
  assert.ok(running.includes(`${names.db}-0`), `database pod running: ${running.join(', ')}`);

  // The web Service answers through the API server's service proxy: the app's version and the hash of APP_SECRET.
  const answer = await waitFor(
    'the web Service answers',
    async () => {
      try {
        const body = await getViaServiceProxy(kc, {
          namespace: ns,
          service: names.web,
          port: 80,
          path: '/',
          timeoutMs: 2_000,
          maxBytes: 4096,
        });
        return JSON.parse(body.toString('utf8')) as { version?: string; secretSha256?: string };
      } catch {
        return undefined;
      }
    },
    120_000,
    500,
  );
  assert.equal(answer.version, 'v1');
  assert.equal(answer.secretSha256, sha256(password));
});
