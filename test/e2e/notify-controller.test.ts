// Notifications end to end: gitseal-controller as a process against the real kube-apiserver, NotificationProviders
// and NotificationAlerts created like a user would, real HTTP receivers on loopback. What a sync, a drift, a prune
// and a failed unseal send; the provider's Secret read as its namespace's ServiceAccount; tenants kept apart;
// repeats folded; a receiver that is down costs reconciles nothing; no plaintext and no credential anywhere.
import assert from 'node:assert/strict';
import { after, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { verifySignature } from '@gitseal/notify';
import { Scope } from '@gitseal/crypto';
import { marker } from './cli-harness.js';
import { b64, sealItems, waitFor, type ControllerProcess } from './controller-harness.js';
import { startAlertmanager } from '../support/alertmanager.js';
import { commitFiles, pushMain, startGitea, waitPushRecorded, type RunningGitea } from '../support/gitea-server.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

interface GiteaStatus {
  id: number;
  status: string;
  context: string;
  description: string;
  target_url: string;
}

/** Commits `files` in `work` and pushes main to the Gitea repository with the token; the commit's sha. */
async function pushToGitea(gitea: RunningGitea, work: string, files: Record<string, string>): Promise<string> {
  const sha = await commitFiles(work, files);
  await pushMain(gitea, work);
  return sha;
}

test('a GitSync pulling from a private Gitea sets commit statuses there: pending, then success or failure', async (t) => {
  if (!(await ready(t))) return;
  const gitea = await startGitea();
  t.after(() => gitea.stop());
  suite.markers.push(gitea.token);
  const work = mkdtempSync(join(tmpdir(), 'gitseal-notify-gitea-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const good = await pushToGitea(gitea, work, { 'a.yaml': configMapJson('a', { x: '1' }) });
  await waitPushRecorded(gitea);
  const ns = await createSyncNamespace(kc, 'notify-gitea');
  // One token for both: the GitSync reads the repository with it, the provider sets statuses with it.
  await core.createNamespacedSecret({
    namespace: ns,
    body: {
      metadata: { name: 'gitea' },
      stringData: { username: gitea.owner, password: gitea.token, token: gitea.token },
    },
  });
  await create(ns, 'notificationproviders', 'NotificationProvider', 'gitea', {
    type: 'gitea',
    address: gitea.url,
    repository: `${gitea.owner}/${gitea.repo}`,
    secretRef: { name: 'gitea' },
  });
  await create(ns, 'notificationalerts', 'NotificationAlert', 'statuses', {
    providerRef: { name: 'gitea' },
    eventSources: [{ kind: 'GitSync' }],
  });
  assert.equal((await readyCondition(ns, 'notificationproviders', 'gitea')).status, 'True');
  assert.equal((await readyCondition(ns, 'notificationalerts', 'statuses')).status, 'True');
  await syncs.create(ns, 'app', {
    source: { url: gitea.cloneUrl, ref: { branch: 'main' }, secretRef: { name: 'gitea' } },
    interval: '1h',
  });
  await syncs.waitFor(ns, 'app', 'Ready', readyAt(good));
  const statuses = async (sha: string): Promise<GiteaStatus[]> => {
    const response = await gitea.api('GET', `/repos/${gitea.owner}/${gitea.repo}/commits/${sha}/statuses`);
    assert.equal(response.status, 200);
    return (response.json as GiteaStatus[]).sort((a, b) => b.id - a.id);
  };
  const succeeded = await waitFor('success on the commit', async () => {
    const found = await statuses(good);
    return found.some((s) => s.status === 'success') ? found : undefined;
  });
  // Newest first (by id): success after pending, both in the GitSync's context, linking back.
  assert.deepEqual(
    succeeded.map((s) => [s.status, s.context]),
    [
      ['success', `gitseal/${ns}/app`],
      ['pending', `gitseal/${ns}/app`],
    ],
  );
  assert.equal(succeeded[0]?.target_url, `https://gitseal.example/gitsync/${ns}/app`);
  assert.match(succeeded[0]?.description ?? '', /^Applied: 1 changed, 0 unchanged, 0 pruned/);

  const plain = marker('gitea');
  suite.markers.push(plain);
  const bad = await pushToGitea(gitea, work, {
    'secret.yaml': JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { v: b64(plain) },
    }),
  });
  await syncs.trigger(ns, 'app');
  const failed = await waitFor('failure on the bad commit', async () => {
    const found = await statuses(bad);
    return found.some((s) => s.status === 'failure') ? found : undefined;
  });
  assert.equal(failed[0]?.description, 'Failed: PlaintextSecretInGit');
  assert.ok(!JSON.stringify(failed).includes(plain), 'no plaintext in a commit status');

  const fixed = await pushToGitea(gitea, work, { 'secret.yaml': configMapJson('not-secret', { ok: 'yes' }) });
  await syncs.trigger(ns, 'app');
  await syncs.waitFor(ns, 'app', 'Ready at the fix', readyAt(fixed));
  await waitFor('success on the fix', async () => (await statuses(fixed)).some((s) => s.status === 'success'));

  // Gitea's own signed push webhook syncs the next push at once: the GitSync is Ready and its interval an hour,
  // so nothing else would.
  const hookSecret = marker('gitea-hook');
  suite.markers.push(hookSecret);
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'push-hook' }, stringData: { token: hookSecret } },
  });
  await syncs.update(ns, 'app', (o) => {
    o.spec['webhookSecretRef'] = { name: 'push-hook' };
  });
  await syncs.waitFor(ns, 'app', 'the webhook secret observed', readyAt(fixed));
  // The controller reads webhook secrets in the background, every 2 s for a GitSync whose secret it lacks.
  await sleep(3_000);
  const hook = await gitea.api('POST', `/repos/${gitea.owner}/${gitea.repo}/hooks`, {
    type: 'gitea',
    active: true,
    events: ['push'],
    config: { url: `${controller.api}/hooks/${ns}/app`, content_type: 'json', secret: hookSecret },
  });
  assert.equal(hook.status, 201, hook.text.slice(0, 200));
  const pushedAt = performance.now();
  const next = await pushToGitea(gitea, work, { 'b.yaml': configMapJson('b', { y: '1' }) });
  await syncs.waitFor(ns, 'app', 'Ready at the pushed commit', readyAt(next), 20_000);
  console.log(
    `figure: Gitea push → GitSync Ready through the signed webhook: ${(performance.now() - pushedAt).toFixed(0)} ms`,
  );
  await waitFor('success on the pushed commit', async () => (await statuses(next)).some((s) => s.status === 'success'));
});

interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

async function alertsIn(url: string, alertname: string): Promise<GettableAlert[]> {
  const response = await fetch(`${url}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${alertname}"`)}`);
  assert.equal(response.status, 200);
  return (await response.json()) as GettableAlert[];
}

/** The first alert of that name once Alertmanager shows one. */
function firstAlert(url: string, alertname: string, timeoutMs = 30_000): Promise<GettableAlert> {
  return waitFor(`${alertname} in Alertmanager`, async () => (await alertsIn(url, alertname))[0], timeoutMs);
}

// Last in the file: it marks the sealing key compromised, so the controller makes a new one.
test("the platform team's Alertmanager hears the controller: certificate restored, key rotated, a compromised key in use", async (t) => {
  if (!(await ready(t))) return;
  const { namespace: system, certPem } = (await suite.ready(t))!;
  const am = await startAlertmanager();
  t.after(() => am.stop());
  const tenant = await createSyncNamespace(kc, 'notify-keys');
  await create(system, 'notificationproviders', 'NotificationProvider', 'alertmanager', {
    type: 'alertmanager',
    address: am.url,
  });
  await create(system, 'notificationalerts', 'NotificationAlert', 'platform', {
    providerRef: { name: 'alertmanager' },
    eventSources: [{ kind: 'Controller' }, { kind: 'SealedSecret', namespace: '*' }],
    events: ['CertificateRestored', 'KeyRotated', 'CompromisedKeyInUse'],
  });
  assert.equal((await readyCondition(system, 'notificationalerts', 'platform')).status, 'True');
  const plain = marker('keys');
  suite.markers.push(plain);
  await custom.createNamespacedCustomObject({
    group: 'gitseal.dev',
    version: 'v1alpha1',
    namespace: tenant,
    plural: 'sealedsecrets',
    body: {
      apiVersion: 'gitseal.dev/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'db' },
      spec: { encryptedData: sealItems(certPem, Scope.Strict, tenant, 'db', { password: plain }) },
    },
  });
  await waitFor('db unsealed', async () => core.readNamespacedSecret({ namespace: tenant, name: 'db' }));

  await core.deleteNamespacedConfigMap({ namespace: system, name: 'gitseal-certs' });
  const restored = await firstAlert(am.url, 'GitsealCertificateRestored');
  assert.deepEqual([restored.labels.object_kind, restored.labels.name], ['ConfigMap', 'gitseal-certs']);

  const [key] = (await core.listNamespacedSecret({ namespace: system, labelSelector: 'gitseal.dev/sealing-key' }))
    .items;
  assert.ok(key?.metadata?.name, 'the sealing key Secret');
  await core.patchNamespacedSecret({
    namespace: system,
    name: key.metadata.name,
    body: [{ op: 'replace', path: '/metadata/labels/gitseal.dev~1sealing-key', value: 'compromised' }],
  });
  const rotated = await firstAlert(am.url, 'GitsealKeyRotated', 60_000);
  assert.equal(rotated.labels.object_kind, 'Secret');
  assert.notEqual(rotated.labels.name, key.metadata.name, 'a new key Secret');
  const inUse = await firstAlert(am.url, 'GitsealCompromisedKeyInUse', 30_000);
  assert.deepEqual([inUse.labels.namespace, inUse.labels.name], [tenant, 'db']);
  const everything = JSON.stringify(await (await fetch(`${am.url}/api/v2/alerts`)).json());
  assert.ok(!everything.includes(plain), 'no plaintext in Alertmanager');
});
