// The seeds' WordPress case on the real node: the umbrella chart (test/e2e/charts/wordpress-chart.ts) with its
// SealedSecret, synced by gitseal running as a Pod from our image (helm in /usr/local/bin, installed from
// deploy/base like the other node tests), from Git served over HTTP at the pod bridge's gateway. Its web
// Deployment and database StatefulSet (a volumeClaimTemplate bound to a local PersistentVolume) run as pods of the
// e2e app image, and the web Service answers a SHA-256 of the password it read from the Secret — never the
// password itself. The controller Pod's log, the namespace's Events, the GitSync status and this file's own output
// never carry a plaintext marker; the namespace and the PersistentVolume are removed afterwards.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { getViaServiceProxy } from '@gitseal/kube';
import type { GitHttpServer } from '@gitseal/sync/testing';
import { assertNoMarkers, marker } from '../e2e/cli-harness.js';
import { wordpressNames, wordpressUmbrellaFiles } from '../e2e/charts/wordpress-chart.js';
import { sealItems, waitFor } from '../e2e/controller-harness.js';
import { createGitRepo, GitSyncs, readyAt, serveOverHttp, type GitRepo } from '../e2e/sync-harness.js';
import { createNamespaceWithAccount, kubectlOk, nodeCluster } from '../support/index.js';
import { controllerPods, installGitseal, SYSTEM } from './gitseal-install.js';

const GATEWAY = '10.88.0.1';
const RELEASE = 'blog';
const SECRET = 'wp-db';
const ACCOUNT = 'deployer';
const names = wordpressNames(RELEASE);
const markers: string[] = [];
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Everything this file prints (stdout and stderr, the install's progress lines too), checked for markers. */
const printed: string[] = [];
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    printed.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

let repo: GitRepo | undefined;
let server: GitHttpServer | undefined;
let cleanUp: (() => Promise<void>) | undefined;

after(async () => {
  await server?.close();
  repo?.remove();
  await cleanUp?.();
  assertNoMarkers(printed.join(''), markers, 'the test output');
});

/** The namespace (pods terminate, the claim goes) and then the PersistentVolume and its host folder. */
function removeAfterwards(kubeconfigPath: string, ns: string, pvName: string): () => Promise<void> {
  return async () => {
    await kubectlOk([
      ...['--kubeconfig', kubeconfigPath, 'delete', 'namespace', ns],
      ...['--ignore-not-found', '--wait=true', '--timeout=180s'],
    ]);
    await kubectlOk([
      ...['--kubeconfig', kubeconfigPath, 'delete', 'pv', pvName],
      ...['--ignore-not-found', '--wait=true', '--timeout=60s'],
    ]);
    rmSync(join(tmpdir(), `gitseal-${pvName}`), { recursive: true, force: true });
  };
}

/** Restart counts of the controller Pods' containers, by Pod name. */
async function controllerRestarts(kc: KubeConfig): Promise<Map<string, number>> {
  const pods = await controllerPods(kc);
  return new Map(
    pods.map((p) => [
      p.metadata?.name ?? '',
      (p.status?.containerStatuses ?? []).reduce((sum, c) => sum + c.restartCount, 0),
    ]),
  );
}

/** `kubectl logs` of every controller Pod (all containers, the whole log). */
async function controllerLogs(kubeconfigPath: string, pods: readonly string[]): Promise<string> {
  const logs = await Promise.all(
    pods.map((pod) =>
      kubectlOk(['--kubeconfig', kubeconfigPath, '-n', SYSTEM, 'logs', pod, '--all-containers', '--tail=-1']),
    ),
  );
  return logs.join('\n');
}

/** The web Service's answer through the API server's service proxy: the app's version and the hash of its secret. */
function webAnswer(kc: KubeConfig, ns: string) {
  return waitFor(
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
}

async function assertWorkloadsRun(kc: KubeConfig, ns: string): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
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
}

test('WordPress as an umbrella chart, synced by the gitseal Pod: web and database pods run, the web Service answers the hash of the sealed password', async (t) => {
  const node = nodeCluster(t);
  if (!node) return;
  const { kc, appImage } = await installGitseal(node);
  const core = kc.makeApiClient(CoreV1Api);
  const restartsBefore = await controllerRestarts(kc);
  assert.ok(restartsBefore.size > 0, 'a gitseal-controller Pod runs');
  const certs = await core.readNamespacedConfigMap({ namespace: SYSTEM, name: 'gitseal-certs' });
  const certPem = certs.data?.['cert.pem'] ?? '';
  assert.match(certPem, /-----BEGIN CERTIFICATE-----/);

  const ns = await createNamespaceWithAccount(kc, 'node-wp', ACCOUNT);
  // The database's volumeClaimTemplate binds to this PersistentVolume (the node has no provisioner).
  const pvName = `${ns}-data`;
  cleanUp = removeAfterwards(node.kubeconfigPath, ns, pvName);
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

  repo = createGitRepo();
  const gitPassword = marker('node-wp-git');
  markers.push(gitPassword);
  server = await serveOverHttp(repo.bare, `Basic ${Buffer.from(`git:${gitPassword}`).toString('base64')}`, GATEWAY);
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'git' }, stringData: { username: 'git', password: gitPassword } },
  });
  const password = marker('node-wp-db');
  markers.push(password);
  const encryptedData = sealItems(certPem, 'strict', ns, SECRET, { password });
  const sealedSecret = JSON.stringify({
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: SECRET },
    spec: { encryptedData, template: { type: 'Opaque' } },
  });
  const commit = repo.commit(
    wordpressUmbrellaFiles({ path: 'blog', image: appImage, version: 'v1', existingSecret: SECRET, sealedSecret }),
  );
  const syncs = new GitSyncs(kc);
  await syncs.create(ns, 'blog', {
    source: { url: server.url, path: 'blog', secretRef: { name: 'git' } },
    interval: '1h',
    serviceAccountName: ACCOUNT,
    wait: true,
    timeout: '3m',
    helm: { releaseName: RELEASE },
  });
  const ready = await syncs.waitFor(ns, 'blog', 'Ready with wait: true', readyAt(commit), 240_000);
  assertNoMarkers(JSON.stringify(ready.status), markers, 'GitSync status');

  await assertWorkloadsRun(kc, ns);
  const answer = await webAnswer(kc, ns);
  assert.equal(answer.version, 'v1');
  assert.equal(answer.secretSha256, sha256(password));

  // The Pod that synced and unsealed is the one whose log is read: it did not restart (no lines lost).
  assert.deepEqual(await controllerRestarts(kc), restartsBefore, 'the controller Pod did not restart');
  const logs = await controllerLogs(node.kubeconfigPath, [...restartsBefore.keys()]);
  assert.ok(logs.includes(`"gitSync":"${ns}/blog"`), 'the controller Pod logged the GitSync');
  assert.ok(logs.includes(`"sealedSecret":"${ns}/${SECRET}"`), 'the controller Pod logged the SealedSecret');
  assertNoMarkers(logs, markers, 'the controller Pod log');
  const events = await core.listNamespacedEvent({ namespace: ns });
  assertNoMarkers(JSON.stringify(events.items), markers, 'the namespace Events');
});
