// Notifications end to end: gitseal-controller as a process against the real kube-apiserver, NotificationProviders
// and NotificationAlerts created like a user would, real HTTP receivers on loopback. What a sync, a drift, a prune
// and a failed unseal send; the provider's Secret read as its namespace's ServiceAccount; tenants kept apart;
// repeats folded; a receiver that is down costs reconciles nothing; no plaintext and no credential anywhere.
import assert from 'node:assert/strict';
import { after, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { verifySignature } from '@gitseal/notify';
import { marker } from './cli-harness.js';
import { b64, waitFor, type ControllerProcess } from './controller-harness.js';
import { configMapJson, createSyncNamespace, readyAt, type GitSyncs, syncSuite } from './sync-harness.js';
import { startLoopbackReceiver, type LoopbackReceiver, type ReceivedRequest } from '../support/loopback-receiver.js';

const HMAC_KEY = marker('hmac-key');
const suite = syncSuite('notify-controller.log', [
  '--notification-allow-http',
  '--notification-link',
  'https://gitseal.example/{kind}/{namespace}/{name}',
]);
suite.markers.push(HMAC_KEY);
const receivers: LoopbackReceiver[] = [];
after(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

let kc: KubeConfig;
let core: CoreV1Api;
let custom: CustomObjectsApi;
let syncs: GitSyncs;
let controller: ControllerProcess;

async function ready(t: TestContext): Promise<boolean> {
  const sync = await suite.ready(t);
  if (!sync) return false;
  ({ kc, core, syncs, controller } = sync);
  custom = kc.makeApiClient(CustomObjectsApi);
  return true;
}

interface Payload {
  kind: string;
  severity: string;
  summary: string;
  object: { kind: string; namespace?: string; name: string };
  revision?: string;
  count: number;
  link?: string;
  event: Record<string, unknown>;
}

const payloads = (receiver: LoopbackReceiver): Payload[] => receiver.requests.map((r) => JSON.parse(r.body) as Payload);

async function receiver(): Promise<LoopbackReceiver> {
  const started = await startLoopbackReceiver();
  receivers.push(started);
  return started;
}

async function create(namespace: string, plural: string, kind: string, name: string, spec: unknown): Promise<void> {
  await custom.createNamespacedCustomObject({
    group: 'gitseal.dev',
    version: 'v1alpha1',
    namespace,
    plural,
    body: { apiVersion: 'gitseal.dev/v1alpha1', kind, metadata: { name }, spec },
  });
}

/** The Ready condition of a NotificationProvider or NotificationAlert once the controller wrote one. */
async function readyCondition(namespace: string, plural: string, name: string) {
  return waitFor(`${plural} ${namespace}/${name} Ready`, async () => {
    const object = (await custom.getNamespacedCustomObject({
      group: 'gitseal.dev',
      version: 'v1alpha1',
      namespace,
      plural,
      name,
    })) as { status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } };
    return object.status?.conditions?.find((c) => c.type === 'Ready');
  });
}

/** A webhook provider (address and HMAC key in a Secret) and an alert for every GitSync event of `namespace`. */
async function webhookTo(namespace: string, target: LoopbackReceiver, alert: Record<string, unknown> = {}) {
  await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: 'hook' }, stringData: { address: target.url, hmacKey: HMAC_KEY } },
  });
  await create(namespace, 'notificationproviders', 'NotificationProvider', 'hook', {
    type: 'webhook',
    secretRef: { name: 'hook' },
  });
  await create(namespace, 'notificationalerts', 'NotificationAlert', 'all', {
    providerRef: { name: 'hook' },
    eventSources: [{ kind: 'GitSync' }, { kind: 'SealedSecret' }],
    ...alert,
  });
  assert.equal((await readyCondition(namespace, 'notificationproviders', 'hook')).status, 'True');
  assert.equal((await readyCondition(namespace, 'notificationalerts', 'all')).status, 'True');
}

async function replaceConfigMapData(namespace: string, name: string, data: Record<string, string>): Promise<void> {
  const live = await core.readNamespacedConfigMap({ namespace, name });
  live.data = { ...live.data, ...data };
  await core.replaceNamespacedConfigMap({ namespace, name, body: live });
}

const arrivedAfter = (requests: readonly ReceivedRequest[], kind: string, since: number) =>
  requests.find((r) => r.at >= since && (JSON.parse(r.body) as Payload).kind === kind);

test('a sync, a drift put back and a prune reach a signed webhook: counts, object, field paths, link', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'notify-hook');
  const hook = await receiver();
  await webhookTo(ns, hook);
  const repo = suite.newRepo();
  const first = repo.commit({
    'web.yaml': configMapJson('web', { color: 'blue' }),
    'old.yaml': configMapJson('old', { a: '1' }),
  });
  await syncs.create(ns, 'app', { source: { url: repo.url, ref: { branch: 'main' } }, interval: '1h' });
  await syncs.waitFor(ns, 'app', 'Ready', readyAt(first));
  const [succeeded] = await hook.waitFor(1, 10_000);
  const body = JSON.parse(succeeded!.body) as Payload;
  assert.equal(body.kind, 'SyncSucceeded');
  assert.deepEqual(body.object, { kind: 'GitSync', namespace: ns, name: 'app' });
  assert.equal(body.revision, `main@sha1:${first}`);
  assert.deepEqual([body.event.changed, body.event.unchanged, body.event.pruned], [2, 0, 0]);
  assert.equal(body.link, `https://gitseal.example/gitsync/${ns}/app`);
  assert.ok(verifySignature(succeeded!.body, HMAC_KEY, String(succeeded!.headers['x-gitseal-signature-256'])));

  // Drift: another writer changes a synced field; self-heal puts it back and says so, naming the field only.
  const before = performance.now();
  await replaceConfigMapData(ns, 'web', { color: 'red' });
  const drift = await waitFor('DriftCorrected', async () => arrivedAfter(hook.requests, 'DriftCorrected', before));
  const driftMs = drift.at - before;
  console.log(`figure: drift → notification at the receiver: ${driftMs.toFixed(0)} ms (limit 2000)`);
  assert.ok(driftMs < 5_000, `drift notification took ${driftMs} ms`);
  const driftBody = JSON.parse(drift.body) as Payload;
  assert.deepEqual(driftBody.event.target, { kind: 'ConfigMap', namespace: ns, name: 'web' });
  assert.deepEqual(driftBody.event.fields, ['data.color']);
  assert.ok(!drift.body.includes('red') && !drift.body.includes('blue'), 'a drift names fields, never values');
  assert.equal((await core.readNamespacedConfigMap({ namespace: ns, name: 'web' })).data?.color, 'blue');

  // A new revision that drops a file: SyncSucceeded with the count, Pruned naming the object.
  const second = repo.commit({ 'old.yaml': null });
  await syncs.trigger(ns, 'app');
  await syncs.waitFor(ns, 'app', 'Ready', readyAt(second));
  const pruned = await waitFor('Pruned', async () => payloads(hook).find((p) => p.kind === 'Pruned'));
  assert.deepEqual(pruned.event.objects, [{ kind: 'ConfigMap', namespace: ns, name: 'old' }]);
  assert.equal(pruned.revision, `main@sha1:${second}`);
  const all = payloads(hook);
  assert.equal(all.filter((p) => p.kind === 'SyncSucceeded').length, 2, 'one per revision, none for the heal');
});

test('100 drifts of one object in under a minute make at most two notifications', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'notify-dedup');
  const hook = await receiver();
  await webhookTo(ns, hook, { events: ['DriftCorrected'] });
  const repo = suite.newRepo();
  const commit = repo.commit({ 'web.yaml': configMapJson('web', { color: 'blue' }) });
  await syncs.create(ns, 'app', { source: { url: repo.url, ref: { branch: 'main' } }, interval: '1h' });
  await syncs.waitFor(ns, 'app', 'Ready', readyAt(commit));
  for (let i = 0; i < 100; i++) {
    await replaceConfigMapData(ns, 'web', { color: `red-${i}` }).catch(() => undefined);
    await sleep(100);
  }
  await sleep(3_000);
  const drifts = payloads(hook).filter((p) => p.kind === 'DriftCorrected');
  console.log(`figure: 100 drifts of one object in ~15 s → ${drifts.length} notification(s) (limit 1–2)`);
  assert.ok(drifts.length >= 1 && drifts.length <= 2, `${drifts.length} notifications`);
  const folded = await scrapeNotifications(controller, `${ns}/hook`, 'deduplicated');
  console.log(`figure: DriftCorrected events folded into them: ${folded}`);
  assert.equal(drifts[0]?.event.target && (drifts[0].event.target as { name: string }).name, 'web');
});

async function scrapeNotifications(process: ControllerProcess, provider: string, outcome: string): Promise<number> {
  const text = await (await fetch(`${process.metrics}/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('gitseal_notifications_total{') &&
        l.includes(`provider="${provider}"`) &&
        l.includes(`outcome="${outcome}"`),
    );
  return line ? Number(line.split(' ').at(-1)) : 0;
}

test('tenants stay apart: no cross-namespace listening, no reading a Secret the ServiceAccount may not read', async (t) => {
  if (!(await ready(t))) return;
  const teamA = await createSyncNamespace(kc, 'notify-team-a');
  const teamB = await createSyncNamespace(kc, 'notify-team-b');
  const hookA = await receiver();
  const hookB = await receiver();
  await webhookTo(teamA, hookA);
  await webhookTo(teamB, hookB);
  // team-b tries to hear team-a's GitSyncs: refused, and it hears nothing of them.
  await create(teamB, 'notificationalerts', 'NotificationAlert', 'spy', {
    providerRef: { name: 'hook' },
    eventSources: [{ kind: 'GitSync', namespace: teamA }],
  });
  const spy = await readyCondition(teamB, 'notificationalerts', 'spy');
  assert.deepEqual([spy.status, spy.reason], ['False', 'InvalidAlert']);
  assert.match(spy.message, /spec\.eventSources\[0\]\.namespace: .*only alerts in/);
  // team-b points a provider at team-b's Secret with an account that has no rights: not Ready, nothing read.
  await create(teamB, 'notificationproviders', 'NotificationProvider', 'borrowed', {
    type: 'webhook',
    secretRef: { name: 'hook' },
    serviceAccountName: 'nobody',
  });
  const borrowed = await readyCondition(teamB, 'notificationproviders', 'borrowed');
  assert.deepEqual([borrowed.status, borrowed.reason], ['False', 'ProviderNotReady']);
  assert.equal(
    borrowed.message,
    `Secret ${teamB}/hook (spec.secretRef): ServiceAccount ${teamB}/nobody may not read it`,
  );
  // And a platform-only source kind in a tenant namespace is refused.
  await create(teamB, 'notificationalerts', 'NotificationAlert', 'keys', {
    providerRef: { name: 'hook' },
    eventSources: [{ kind: 'Controller' }],
  });
  assert.equal((await readyCondition(teamB, 'notificationalerts', 'keys')).reason, 'InvalidAlert');

  const repo = suite.newRepo();
  const commit = repo.commit({ 'a.yaml': configMapJson('a', { x: '1' }) });
  await syncs.create(teamA, 'app', { source: { url: repo.url, ref: { branch: 'main' } }, interval: '1h' });
  await syncs.waitFor(teamA, 'app', 'Ready', readyAt(commit));
  await hookA.waitFor(1, 10_000);
  await sleep(1_000);
  assert.deepEqual(
    payloads(hookB).filter((p) => p.object.namespace === teamA),
    [],
    'team-b heard nothing of team-a',
  );
});

test('a SealedSecret that cannot be unsealed is announced without its content', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'notify-unseal');
  const hook = await receiver();
  await webhookTo(ns, hook);
  const plain = marker('unseal');
  suite.markers.push(plain);
  await custom.createNamespacedCustomObject({
    group: 'gitseal.dev',
    version: 'v1alpha1',
    namespace: ns,
    plural: 'sealedsecrets',
    body: {
      apiVersion: 'gitseal.dev/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'broken' },
      // Not a ciphertext of any key the controller holds: it cannot open.
      spec: { encryptedData: { password: b64(plain.repeat(20)) } },
    },
  });
  const unseal = await waitFor('UnsealFailed', async () => payloads(hook).find((p) => p.kind === 'UnsealFailed'));
  assert.deepEqual(unseal.object, { kind: 'SealedSecret', namespace: ns, name: 'broken' });
  assert.equal(unseal.severity, 'error');
  for (const request of hook.requests) {
    assert.ok(!request.body.includes(plain) && !request.body.includes(b64(plain)), 'no plaintext in any payload');
    assert.ok(!request.body.includes(HMAC_KEY), 'no credential in any payload');
  }
});

test('a receiver that is down costs a sync nothing: retried in the background, counted', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'notify-down');
  const hook = await receiver();
  await webhookTo(ns, hook);
  const repo = suite.newRepo();
  let commit = repo.commit({ 'a.yaml': configMapJson('a', { x: '0' }) });
  await syncs.create(ns, 'app', { source: { url: repo.url, ref: { branch: 'main' } }, interval: '1h' });
  await syncs.waitFor(ns, 'app', 'Ready', readyAt(commit));
  const timeSync = async (i: number): Promise<number> => {
    commit = repo.commit({ 'a.yaml': configMapJson('a', { x: String(i) }) });
    const started = performance.now();
    await syncs.trigger(ns, 'app');
    await syncs.waitFor(ns, 'app', 'Ready', readyAt(commit));
    return performance.now() - started;
  };
  const up: number[] = [];
  for (let i = 1; i <= 3; i++) up.push(await timeSync(i));
  hook.answer = () => 'hold';
  const down: number[] = [];
  for (let i = 4; i <= 6; i++) down.push(await timeSync(i));
  hook.answer = () => 503;
  hook.release();
  for (let i = 7; i <= 9; i++) down.push(await timeSync(i));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  console.log(
    `figure: sync latency, receiver up ${median(up).toFixed(0)} ms, receiver hanging or failing ${median(down).toFixed(0)} ms (median)`,
  );
  assert.ok(median(down) < median(up) + 2_000, `syncs slowed down: ${median(up)} → ${median(down)} ms`);
  await waitFor('a retry counted', async () => (await scrapeNotifications(controller, `${ns}/hook`, 'retried')) > 0);
  hook.answer = () => 200;
});
