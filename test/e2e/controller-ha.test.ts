// Two gitseal-controller processes with leader election against the real kube-apiserver + etcd: exactly one
// leader writes, a SIGKILLed leader is replaced once its lease runs out, a SIGTERMed one hands the lease back
// at once and exits 0, and nothing either printed holds plaintext.
import assert from 'node:assert/strict';
import { after, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import { parseCertificate } from '@gitseal/crypto';
import { crdPath, createTestNamespace, installCrd, kubeConfigFor, sharedControlPlane } from '../support/index.js';
import { assertNoMarkers, marker } from './cli-harness.js';
import {
  allControllerOutput,
  b64,
  Cluster,
  metricSum,
  metricValue,
  sealItems,
  startControllerProcess,
  stopAllControllers,
  waitFor,
  waitReady,
  type ControllerProcess,
} from './controller-harness.js';

const LEASE_SECONDS = 3;
const RETRY_MS = 250;
const LEASE_NAME = 'gitseal-controller';
const plane = sharedControlPlane();
const markers: string[] = [];

let cluster: Cluster;
let leases: CoordinationV1Api;
let kubeconfigPath: string;
let controllerNs: string;
let setup: Promise<void> | undefined;

async function ready(t: TestContext): Promise<boolean> {
  const cp = plane.use(t);
  if (!cp) return false;
  setup ??= (async () => {
    kubeconfigPath = cp.kubeconfigPath;
    const kc = kubeConfigFor(kubeconfigPath);
    cluster = new Cluster(kc);
    leases = kc.makeApiClient(CoordinationV1Api);
    await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
    controllerNs = await createTestNamespace(kc, 'gitseal-system');
  })();
  await setup;
  return true;
}

after(async () => {
  await stopAllControllers();
  assertNoMarkers(allControllerOutput(), markers, 'controller output');
});

function start(): Promise<ControllerProcess> {
  return startControllerProcess(
    kubeconfigPath,
    [
      '--namespace',
      controllerNs,
      '--key-size',
      '2048',
      '--rsa-workers',
      '1',
      '--leader-elect-lease-duration',
      `${LEASE_SECONDS}s`,
      '--leader-elect-renew-deadline',
      '2s',
      '--leader-elect-retry-period',
      `${RETRY_MS}ms`,
    ],
    { leaderElect: true, waitReady: false },
  );
}

async function readLease(): Promise<V1Lease | undefined> {
  return leases.readNamespacedLease({ namespace: controllerNs, name: LEASE_NAME }).catch(() => undefined);
}

/** The identity is `hostname_pid_random`: the pid tells which process holds the lease. */
function holds(lease: V1Lease | undefined, controller: ControllerProcess): boolean {
  return (lease?.spec?.holderIdentity ?? '').includes(`_${controller.pid}_`);
}

/** Seals two items to the controller's certificate, creates the SealedSecret, waits for its exact Secret. */
async function unsealedBy(controller: ControllerProcess, name: string): Promise<void> {
  const namespace = await createTestNamespace(cluster.kc, 'apps');
  const certPem = await (await fetch(`${controller.api}/v1/cert.pem`)).text();
  const password = marker('password');
  const token = marker('token');
  markers.push(password, token);
  await cluster.createSealed(
    Cluster.sealedSecret(namespace, name, sealItems(certPem, 'strict', namespace, name, { password, token })),
  );
  await cluster.waitSecretData(namespace, name, { password: b64(password), token: b64(token) });
  const status = await cluster.waitStatus(namespace, name, (o) => o.status?.conditions?.[0]?.status === 'True');
  assert.equal(status.status?.keyFingerprint, parseCertificate(certPem).fingerprint);
}

let leader: ControllerProcess;
let follower: ControllerProcess;

test('two replicas: exactly one holds the lease, and only it writes', async (t) => {
  if (!(await ready(t))) return;
  const [a, b] = await Promise.all([start(), start()]);
  await Promise.all([waitReady(a), waitReady(b)]);
  const lease = await waitFor('lease held', async () => {
    const l = await readLease();
    return holds(l, a) || holds(l, b) ? l : undefined;
  });
  [leader, follower] = holds(lease, a) ? [a, b] : [b, a];
  assert.ok(!holds(lease, follower), 'one holder');
  assert.equal(lease.spec?.leaseDurationSeconds, LEASE_SECONDS);
  assert.equal(await metricValue(leader, 'gitseal_leader'), 1);
  assert.equal(await metricValue(follower, 'gitseal_leader'), 0);

  // One key, made by the leader; both serve it.
  const keys = await cluster.core.listNamespacedSecret({
    namespace: controllerNs,
    labelSelector: 'gitseal.dev/sealing-key',
  });
  assert.equal(keys.items.length, 1, 'only the leader makes a key');
  const leaderCert = await (await fetch(`${leader.api}/v1/cert.pem`)).text();
  assert.equal(await (await fetch(`${follower.api}/v1/cert.pem`)).text(), leaderCert);

  await unsealedBy(follower, 'db');
  assert.ok((await metricValue(leader, 'gitseal_rsa_private_operations_total')) >= 1);
  assert.ok((await metricSum(leader, 'gitseal_api_writes_total')) >= 2, 'leader wrote the Secret and its status');
  // Give the follower every chance to have done something wrong.
  await sleep(500);
  assert.equal(await metricValue(follower, 'gitseal_rsa_private_operations_total'), 0, 'follower: no RSA');
  assert.equal(await metricSum(follower, 'gitseal_api_writes_total'), 0, 'follower: no writes');
  assert.equal(await metricSum(follower, 'gitseal_unseal_results_total'), 0, 'follower: no reconcile results');
});

test('SIGKILL of the leader: the follower takes over once the lease has run out, and unseals', async (t) => {
  if (!(await ready(t))) return;
  assert.ok(leader && follower);
  const before = await readLease();
  const killedAt = Date.now();
  leader.child.kill('SIGKILL');
  assert.equal(await leader.exited, null, 'killed by a signal');
  const lease = await waitFor('takeover', async () => {
    const l = await readLease();
    return holds(l, follower) ? l : undefined;
  });
  const took = Date.now() - killedAt;
  t.diagnostic(`takeover ${took} ms after SIGKILL (lease ${LEASE_SECONDS}s, retry ${RETRY_MS} ms)`);
  // The survivor waits for renewTime + lease duration (renewTime at most one retry period before the kill) ...
  assert.ok(took >= LEASE_SECONDS * 1000 - RETRY_MS - 250, `took over after ${took} ms: a live lease was stolen`);
  // ... and no longer than that plus a retry period and some scheduling slack.
  assert.ok(took <= LEASE_SECONDS * 1000 + 2_000, `took over after ${took} ms`);
  assert.equal(lease.spec?.leaseTransitions, (before?.spec?.leaseTransitions ?? 0) + 1);
  await waitFor('leader gauge', async () => (await metricValue(follower, 'gitseal_leader')) === 1, 5_000);
  [leader, follower] = [follower, leader];

  const rsaBefore = await metricValue(leader, 'gitseal_rsa_private_operations_total');
  await unsealedBy(leader, 'after-kill');
  assert.equal(
    await metricValue(leader, 'gitseal_rsa_private_operations_total'),
    rsaBefore + 2,
    'two items: two RSA operations (the objects unsealed before the takeover cost none)',
  );
  const keys = await cluster.core.listNamespacedSecret({
    namespace: controllerNs,
    labelSelector: 'gitseal.dev/sealing-key',
  });
  assert.equal(keys.items.length, 1, 'the new leader keeps the key');
});

test('SIGTERM of the leader: the lease is handed back at once and the process exits 0', async (t) => {
  if (!(await ready(t))) return;
  follower = await start();
  await waitReady(follower);
  const current = await readLease();
  assert.ok(holds(current, leader), 'the running leader keeps the lease when a new replica joins');
  assert.equal(await metricValue(follower, 'gitseal_leader'), 0);

  const termAt = Date.now();
  const exited = leader.stop();
  await waitFor(
    'lease released',
    async () => {
      const l = await readLease();
      return !holds(l, leader) ? l : undefined;
    },
    10_000,
    25,
  );
  const released = Date.now() - termAt;
  assert.ok(released <= 2_000, `lease released ${released} ms after SIGTERM`);
  await waitFor('the other replica leads', async () => holds(await readLease(), follower), 10_000, 25);
  const acquired = Date.now() - termAt;
  t.diagnostic(`lease released ${released} ms and taken ${acquired} ms after SIGTERM`);
  assert.ok(acquired < LEASE_SECONDS * 1000, `other replica acquired after ${acquired} ms, not after expiry`);
  assert.equal(await exited, 0, 'graceful exit');
  assert.match(leader.output(), /lease released/);

  await unsealedBy(follower, 'after-term');
  assert.ok((await metricValue(follower, 'gitseal_rsa_private_operations_total')) >= 2);
  assert.equal(await follower.stop(), 0);
  const last = await readLease();
  assert.equal(last?.spec?.holderIdentity ?? '', '', 'the last replica hands the lease back too');
});
