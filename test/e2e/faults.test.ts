// Faults survived with real restarts (issue 13, section 3): the key Secret deleted while running, another field
// manager fighting over a synced field, kube-apiserver restarted during a 1,000-object sync, etcd restarted during
// bulk unseal. gitseal-controller runs as a process against the real control plane; nothing may be lost and every
// object must converge.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { Envelope, parseCertificate, sealValue, scopeLabel } from '@gitseal/crypto';
import { type ControlPlane } from '../support/index.js';
import { marker } from './cli-harness.js';
import { Cluster, waitFor, type ControllerProcess } from './controller-harness.js';
import { configMapJson, createSyncNamespace, gitSyncCondition, GitSyncs, readyAt, syncSuite } from './sync-harness.js';

const suite = syncSuite('faults.log');
const { markers, newRepo } = suite;
let cp: ControlPlane;
let kc: KubeConfig;
let core: CoreV1Api;
let syncs: GitSyncs;
let controller: ControllerProcess;
let controllerNs = '';

async function ready(t: TestContext): Promise<boolean> {
  const sync = await suite.ready(t);
  if (!sync) return false;
  ({ plane: cp, kc, core, syncs, controller, namespace: controllerNs } = sync);
  return true;
}

const KEY_LABEL = 'gitseal.dev/sealing-key';

async function keySecrets(): Promise<V1Secret[]> {
  return (await core.listNamespacedSecret({ namespace: controllerNs, labelSelector: KEY_LABEL })).items;
}

function sealedSecret(certPem: string, namespace: string, name: string, value: string) {
  const { publicKey } = parseCertificate(certPem);
  const label = scopeLabel('strict', namespace, name);
  const encryptedData = {
    value: sealValue({
      publicKey,
      scopeLabel: label,
      itemKey: 'value',
      plaintext: Buffer.from(value),
      envelope: Envelope.V2,
    }),
  };
  return Cluster.sealedSecret(namespace, name, encryptedData);
}

test('the key Secret deleted while running: still unseals from memory, the same key is re-created, no new key', async (t) => {
  if (!(await ready(t))) return;
  const cluster = new Cluster(kc);
  const ns = await createSyncNamespace(kc, 'faults-key');
  const certPem = await (await fetch(`${controller.api}/v1/cert.pem`)).text();
  const [before] = await keySecrets();
  assert.ok(before?.metadata?.name);
  const first = marker('key-first');
  markers.push(first);
  await cluster.createSealed(sealedSecret(certPem, ns, 'first', first));
  await cluster.waitSecretData(ns, 'first', { value: Buffer.from(first).toString('base64') });

  await core.deleteNamespacedSecret({ namespace: controllerNs, name: before.metadata.name });
  // Sealed to the same certificate after the deletion: must still open.
  const second = marker('key-second');
  markers.push(second);
  await cluster.createSealed(sealedSecret(certPem, ns, 'second', second));
  await cluster.waitSecretData(ns, 'second', { value: Buffer.from(second).toString('base64') });

  const restored = await waitFor('key Secret re-created', async () => {
    const list = await keySecrets();
    return list.length > 0 ? list : undefined;
  });
  assert.equal(restored.length, 1, 'exactly one key Secret: no new key was generated');
  assert.equal(restored[0]?.metadata?.name, before.metadata.name, 're-created under its old name');
  assert.equal(restored[0]?.data?.['tls.crt'], before.data?.['tls.crt'], 'the same key and certificate');
  assert.ok(restored[0]?.metadata?.annotations?.['gitseal.dev/restored-from-memory']);
  assert.equal(await (await fetch(`${controller.api}/v1/cert.pem`)).text(), certPem, 'still seals to the same key');
  assert.match(controller.output(), /sealing key Secret deleted: kept in memory/);
  // Still only one key a while later (the key set change did not make a new one meanwhile).
  await sleep(1_000);
  assert.equal((await keySecrets()).length, 1);
});

test('another field manager fighting over a synced field: bounded re-applies with backoff, an Event, a condition', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'faults-fight');
  const repo = newRepo();
  const commit = repo.commit({ 'cm.json': configMapJson('fought', { mode: 'from-git' }) });
  await syncs.create(ns, 'fight', { source: { url: repo.url }, interval: '1h', selfHeal: true });
  await syncs.waitFor(ns, 'fight', 'Ready', readyAt(commit));

  // The fighter: whenever the field is not its value, it writes it back (an update as field manager "fighter").
  const fightMs = 40_000;
  const stopAt = Date.now() + fightMs;
  let heals = 0;
  let writes = 0;
  while (Date.now() < stopAt) {
    const cm = await core.readNamespacedConfigMap({ namespace: ns, name: 'fought' });
    if (cm.data?.['mode'] !== 'fighter-value') {
      if (writes > 0) heals += 1;
      try {
        await core.replaceNamespacedConfigMap({
          namespace: ns,
          name: 'fought',
          fieldManager: 'fighter',
          body: { ...cm, data: { ...cm.data, mode: 'fighter-value' } },
        });
        writes += 1;
      } catch (error) {
        if ((error as { code?: number }).code !== 409) throw error;
      }
    }
    await sleep(50);
  }
  const perMinute = (heals * 60_000) / fightMs;
  process.stdout.write(`# FIGURE re-applies per minute while another field manager fights: ${perMinute.toFixed(1)}\n`);
  assert.ok(heals >= 3, `gitseal kept healing (${heals} re-applies)`);
  // 1 s doubling: heals at about 0, 1, 3, 7, 15, 31 s; a hot loop would be hundreds.
  assert.ok(heals <= 10, `bounded: ${heals} re-applies in ${fightMs / 1000} s`);

  const contested = await syncs.waitFor(
    ns,
    'fight',
    'Contested',
    (o) => gitSyncCondition(o, 'Contested')?.status === 'True',
  );
  const condition = gitSyncCondition(contested, 'Contested');
  assert.equal(condition?.reason, 'FieldManagerConflict');
  assert.match(
    condition?.message ?? '',
    new RegExp(`^ConfigMap ${ns}/fought: changed back by field manager "fighter"`),
  );
  assert.doesNotMatch(condition?.message ?? '', /fighter-value|from-git/, 'names managers, never values');
  const events = await core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.name=fight' });
  const event = events.items.find((e) => e.reason === 'FieldManagerConflict');
  assert.ok(event, 'a FieldManagerConflict Event');
  assert.equal(event.type, 'Warning');

  // The fight is over: the object converges to Git again.
  await syncs.trigger(ns, 'fight');
  await waitFor(
    'converged to Git',
    async () => (await core.readNamespacedConfigMap({ namespace: ns, name: 'fought' })).data?.['mode'] === 'from-git',
    60_000,
  );
});

test('kube-apiserver restarted during a 1,000-object sync: nothing lost, Ready at the commit', async (t) => {
  if (!(await ready(t))) return;
  const ns = await createSyncNamespace(kc, 'faults-apiserver');
  const repo = newRepo();
  const files: Record<string, string> = {};
  for (let i = 0; i < 1000; i++) files[`cm/cm-${i}.json`] = configMapJson(`cm-${i}`, { i: String(i) });
  const commit = repo.commit(files);
  await syncs.create(ns, 'big', { source: { url: repo.url }, interval: '1h' });
  const count = async () =>
    (await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'gitseal.dev/sync' })).items.length;
  await waitFor('sync under way', async () => (await count()) >= 100, 120_000, 100);
  const partial = await count();
  await cp.restartApiServer();
  const upAt = Date.now();
  await syncs.waitFor(ns, 'big', 'Ready after the restart', readyAt(commit), 300_000);
  const seconds = (Date.now() - upAt) / 1000;
  process.stdout.write(
    `# FIGURE time to converge after an apiserver restart during a 1,000-object sync: ${seconds.toFixed(1)} s (restarted at ${partial}/1000)\n`,
  );
  assert.ok(partial < 1000, `restarted mid-sync (${partial} applied)`);
  assert.equal(await count(), 1000);
  const gitSync = await syncs.get(ns, 'big');
  assert.equal(gitSync.status?.inventory?.entries.length, 1000);
});

test('etcd restarted during bulk unseal: every Secret converges', async (t) => {
  if (!(await ready(t))) return;
  const cluster = new Cluster(kc);
  const ns = await createSyncNamespace(kc, 'faults-etcd');
  const certPem = await (await fetch(`${controller.api}/v1/cert.pem`)).text();
  const total = 150;
  const value = (i: number) => `v-${i}-${marker('bulk').slice(0, 8)}`;
  const values = Array.from({ length: total }, (_, i) => value(i));
  const creating = (async () => {
    for (let i = 0; i < total; i++) {
      const object = sealedSecret(certPem, ns, `s-${i}`, values[i] ?? '');
      for (;;) {
        try {
          await cluster.createSealed(object);
          break;
        } catch (error) {
          if ((error as { code?: number }).code === 409) break; // written before the outage
          await sleep(200);
        }
      }
    }
  })();
  await waitFor(
    'unsealing under way',
    async () => (await core.listNamespacedSecret({ namespace: ns })).items.length >= 20,
    60_000,
  );
  await cp.restartEtcd();
  await creating;
  const custom = kc.makeApiClient(CustomObjectsApi);
  await waitFor(
    'every Secret unsealed',
    async () => {
      const secrets = (await core.listNamespacedSecret({ namespace: ns })).items;
      return secrets.filter((s) => s.metadata?.name?.startsWith('s-')).length === total;
    },
    180_000,
    500,
  );
  for (const i of [0, Math.floor(total / 2), total - 1]) {
    const secret = await cluster.readSecret(ns, `s-${i}`);
    assert.equal(secret?.data?.['value'], Buffer.from(values[i] ?? '').toString('base64'));
  }
  type Listed = { items: { status?: { conditions?: { type: string; status: string }[] } }[] };
  await waitFor(
    'all Synced',
    async () => {
      const list = (await custom.listNamespacedCustomObject({
        group: 'gitseal.dev',
        version: 'v1alpha1',
        namespace: ns,
        plural: 'sealedsecrets',
      })) as Listed;
      return list.items.every((o) => o.status?.conditions?.find((c) => c.type === 'Synced')?.status === 'True');
    },
    60_000,
    500,
  );
});
