// The sync engine inside gitseal-controller, where the controller's own wiring matters: the GitSync CRD installed
// after the controller started (no restart needed, readiness never drops; the engine is loaded only at the first
// GitSync), and preflight decryption done in the controller's RSA worker pool (counted by
// gitseal_rsa_private_operations_total, with the SealedSecret reconciler off so that nothing else spends RSA
// operations).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { crdPath, createTestNamespace, installCrd, kubeConfigFor, sharedControlPlane } from '../support/index.js';
import { assertNoMarkers, marker } from './cli-harness.js';
import {
  allControllerOutput,
  metricValue,
  sealItems,
  startControllerProcess,
  stopAllControllers,
  waitFor,
} from './controller-harness.js';
import {
  createGitRepo,
  createSyncNamespace,
  GitSyncs,
  readyAt,
  TENANT_SERVICE_ACCOUNT,
  type GitRepo,
} from './sync-harness.js';

const plane = sharedControlPlane();
const repos: GitRepo[] = [];
const secretValue = marker('late-crd-secret');

after(async () => {
  await stopAllControllers();
  for (const repo of repos) repo.remove();
  assertNoMarkers(allControllerOutput(), [secretValue], 'controller output');
});

test('a GitSync CRD installed after start is picked up without a restart; preflight opens SealedSecrets in the RSA pool', async (t) => {
  const cp = plane.use(t);
  if (!cp) return;
  const kc = kubeConfigFor(cp.kubeconfigPath);
  await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
  const controllerNs = await createTestNamespace(kc, 'gitseal-system');
  const controller = await startControllerProcess(cp.kubeconfigPath, [
    '--namespace',
    controllerNs,
    '--key-size',
    '2048',
    '--git-allow-file',
    '--no-sealed-secrets',
    '--default-service-account',
    TENANT_SERVICE_ACCOUNT,
  ]);
  let readinessDropped = false;
  const probing = setInterval(() => {
    fetch(`${controller.api}/readyz`).then(
      (res) => (readinessDropped ||= res.status !== 200),
      () => (readinessDropped = true),
    );
  }, 200);
  t.after(() => clearInterval(probing));

  const certPem = await (await fetch(`${controller.api}/v1/cert.pem`)).text();
  const rsaAtStart = await metricValue(controller, 'gitseal_rsa_private_operations_total');
  // No GitSync CRD, no GitSync: the sync engine is not loaded (lazy-git-sync-host.ts).
  await waitFor('the presence watch', async () => /GitSync CRD not installed/.test(controller.output()));
  await installCrd(kc, crdPath('gitsyncs.gitseal.dev.yaml'));
  await sleep(1_000);
  assert.doesNotMatch(controller.output(), /sync engine loaded/, 'a CRD without GitSyncs loads no sync engine');

  const appNs = await createSyncNamespace(kc, 'late-crd-app');
  const repo = createGitRepo();
  repos.push(repo);
  const encryptedData = sealItems(certPem, 'strict', appNs, 'db', { password: secretValue, user: 'app' });
  const commit = repo.commit({
    'db.yaml': JSON.stringify({
      apiVersion: 'gitseal.dev/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'db' },
      spec: { encryptedData, template: {} },
    }),
    'settings.yaml': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: {} }),
  });
  const syncs = new GitSyncs(kc);
  await syncs.create(appNs, 'app', { source: { url: repo.url, ref: { branch: 'main' } }, interval: '1h' });
  await syncs.waitFor(appNs, 'app', 'Ready after the CRD appeared', readyAt(commit), 60_000);
  const cm = await kc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace: appNs, name: 'settings' });
  assert.equal(cm.metadata?.labels?.['gitseal.dev/sync'], `${appNs}.app`);
  assert.equal(readinessDropped, false, '/readyz stayed 200 while the CRD was missing and when it appeared');

  // Two items sealed with the controller's key: preflight costs exactly two RSA operations, done by the pool.
  const rsaAfterSync = await metricValue(controller, 'gitseal_rsa_private_operations_total');
  assert.equal(rsaAfterSync - rsaAtStart, 2);
  // The same revision again is a preflight cache hit: no RSA at all.
  const gitSyncReconciles = (): Promise<number> =>
    metricValue(controller, 'gitseal_reconcile_duration_seconds_count', '{kind="GitSync"}');
  const reconciled = await gitSyncReconciles();
  await syncs.trigger(appNs, 'app');
  await waitFor('the triggered resync', async () => (await gitSyncReconciles()) > reconciled);
  assert.equal(await metricValue(controller, 'gitseal_rsa_private_operations_total'), rsaAfterSync);
  assert.match(controller.output(), /first GitSync seen: sync engine loaded/);
});
