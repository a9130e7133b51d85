// The published certificate cannot be swapped: a running gitseal-controller (the leader) puts the gitseal-certs
// ConfigMap back within 2 s after anyone else overwrites, poisons, freezes (immutable) or deletes it, counts each
// restore and names the writer (from managedFields) in a Warning Event; a writer that keeps fighting is answered
// with backed-off restores, not a loop. Against the real kube-apiserver + etcd, writes made by kubectl and by a
// client with its own field manager.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, type CoreV1Event, type V1ConfigMap } from '@kubernetes/client-node';
import {
  crdPath,
  createTestNamespace,
  installCrd,
  kubeConfigFor,
  kubectlOk,
  sharedControlPlane,
} from '../support/index.js';
import { makeTempDir, writeKeyPair } from './cli-harness.js';
import {
  allControllerOutput,
  metricValue,
  startControllerProcess,
  stopAllControllers,
  waitFor,
  type ControllerProcess,
} from './controller-harness.js';

const plane = sharedControlPlane();
const NAME = 'gitseal-certs';
const RESTORES = 'gitseal_certs_config_map_restores_total';
const RESTORE_BUDGET_MS = 2_000;

interface Setup {
  readonly kubeconfig: string;
  readonly core: CoreV1Api;
  readonly namespace: string;
  readonly controller: ControllerProcess;
  /** The ConfigMap's data as the controller published it. */
  readonly published: Record<string, string>;
  /** A certificate the controller does not hold: the attacker's. */
  readonly attackerPem: string;
  readonly latencies: number[];
  readonly cleanup: () => Promise<void>;
}
let setup: Promise<Setup> | undefined;

async function ready(t: TestContext): Promise<Setup | undefined> {
  const cp = plane.use(t);
  if (!cp) return undefined;
  setup ??= (async () => {
    const kc = kubeConfigFor(cp.kubeconfigPath);
    const core = kc.makeApiClient(CoreV1Api);
    await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
    const namespace = await createTestNamespace(kc, 'gitseal-certs-guard');
    const controller = await startControllerProcess(cp.kubeconfigPath, [
      '--namespace',
      namespace,
      '--namespaces',
      namespace,
      '--key-size',
      '2048',
      '--rsa-workers',
      '1',
      '--key-renew-period',
      '0',
      '--no-sync',
    ]);
    const served = await (await fetch(`${controller.api}/v1/cert.pem`)).text();
    const published = await waitFor('gitseal-certs published', async () => {
      const cm = await readCertsMap(core, namespace);
      return cm?.data?.['cert.pem'] === served ? cm.data : undefined;
    });
    const temp = await makeTempDir();
    const attacker = await writeKeyPair(temp.dir, 'attacker');
    return {
      kubeconfig: cp.kubeconfigPath,
      core,
      namespace,
      controller,
      published,
      attackerPem: attacker.certPem,
      latencies: [],
      cleanup: temp.cleanup,
    };
  })();
  return setup;
}

after(async () => {
  await stopAllControllers();
  if (process.env.GITSEAL_E2E_LOG_DIR) {
    writeFileSync(join(process.env.GITSEAL_E2E_LOG_DIR, 'controller-certs-config-map.log'), allControllerOutput());
  }
  const s = await setup?.catch(() => undefined);
  await s?.cleanup();
});

async function readCertsMap(core: CoreV1Api, namespace: string): Promise<V1ConfigMap | undefined> {
  return core.readNamespacedConfigMap({ namespace, name: NAME }).catch(() => undefined);
}

function same(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const sorted = (r: Record<string, string>) => JSON.stringify(Object.entries(r).sort(([x], [y]) => (x < y ? -1 : 1)));
  return a !== undefined && sorted(a) === sorted(b);
}

/** Polls (every 10 ms) until the ConfigMap holds the published data again; returns the ms since `since`. */
async function restoredWithin(s: Setup, since: number, budgetMs = RESTORE_BUDGET_MS): Promise<number> {
  for (;;) {
    const cm = await readCertsMap(s.core, s.namespace);
    const elapsed = Date.now() - since;
    if (same(cm?.data, s.published) && cm?.immutable !== true) return elapsed;
    if (elapsed > budgetMs) assert.fail(`gitseal-certs not restored within ${budgetMs} ms`);
    await sleep(10);
  }
}

/** The controller's CertsConfigMapRestored Events on gitseal-certs. */
async function restoreEvents(s: Setup): Promise<CoreV1Event[]> {
  const list = await s.core.listNamespacedEvent({
    namespace: s.namespace,
    fieldSelector: `involvedObject.name=${NAME},reason=CertsConfigMapRestored`,
  });
  return list.items;
}

async function eventNaming(s: Setup, text: string): Promise<CoreV1Event> {
  return waitFor(`a CertsConfigMapRestored Event naming ${text}`, async () =>
    (await restoreEvents(s)).find((e) => e.message?.includes(text)),
  );
}

function poisoned(s: Setup, extra: Partial<V1ConfigMap> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: NAME, namespace: s.namespace },
    data: { 'cert.pem': s.attackerPem },
    ...extra,
  });
}

/** A change this long after the last restore stands alone: it is restored at once (restore-backoff.ts: 10 s). */
const QUIET_MS = 10_500;

test('an overwrite by server-side apply with its own field manager is undone within 2 s, counted, and named', async (t) => {
  const s = await ready(t);
  if (!s) return;
  const before = await metricValue(s.controller, RESTORES);
  // As the sync engine would (field manager `gitseal`): forced apply of another certificate and an extra key.
  await kubectlOk(
    ['--kubeconfig', s.kubeconfig, 'apply', '--server-side', '--force-conflicts', '--field-manager=gitseal', '-f', '-'],
    poisoned(s, { data: { 'cert.pem': s.attackerPem, 'zz-attacker.pem': s.attackerPem } }),
  );
  s.latencies.push(await restoredWithin(s, Date.now()));
  await waitFor('the counter', async () => (await metricValue(s.controller, RESTORES)) === before + 1, 5_000);
  const event = await eventNaming(s, 'changed by gitseal ');
  assert.equal(event.type, 'Warning');
  assert.equal(event.involvedObject.kind, 'ConfigMap');
  assert.equal(event.involvedObject.namespace, s.namespace);
  assert.match(event.message ?? '', /data "cert\.pem" changed/);
  assert.match(event.message ?? '', /data "zz-attacker\.pem" added/);
  assert.ok(!(event.message ?? '').includes('BEGIN CERTIFICATE'), 'no certificate text in the Event');
  const cm = await readCertsMap(s.core, s.namespace);
  assert.equal(cm?.data?.['zz-attacker.pem'], undefined, 'keys another manager added are gone too');
  assert.equal(cm?.data?.['cert.pem'], s.published['cert.pem']);
});

test('kubectl edits (client-side apply, patch, replace) are each undone within 2 s and named in the Event', async (t) => {
  const s = await ready(t);
  if (!s) return;
  const kubectl = ['--kubeconfig', s.kubeconfig, '-n', s.namespace];
  const patch = JSON.stringify({ data: { 'cert.pem': s.attackerPem } });
  const edits: [string, () => Promise<unknown>][] = [
    ['kubectl-client-side-apply', () => kubectlOk([...kubectl, 'apply', '-f', '-'], poisoned(s))],
    ['kubectl-patch', () => kubectlOk([...kubectl, 'patch', 'configmap', NAME, '--type=merge', '-p', patch])],
    ['kubectl-replace', () => kubectlOk([...kubectl, 'replace', '-f', '-'], poisoned(s))],
  ];
  for (const [manager, edit] of edits) {
    await sleep(QUIET_MS);
    const before = await metricValue(s.controller, RESTORES);
    await edit();
    s.latencies.push(await restoredWithin(s, Date.now()));
    await waitFor(
      `counted (${manager})`,
      async () => (await metricValue(s.controller, RESTORES)) === before + 1,
      5_000,
    );
    await eventNaming(s, `changed by ${manager}`);
  }
});

test('a deleted gitseal-certs is recreated within 2 s, with an Event on the new object', async (t) => {
  const s = await ready(t);
  if (!s) return;
  await sleep(QUIET_MS);
  const before = await metricValue(s.controller, RESTORES);
  await s.core.deleteNamespacedConfigMap({ namespace: s.namespace, name: NAME });
  s.latencies.push(await restoredWithin(s, Date.now()));
  await waitFor('counted', async () => (await metricValue(s.controller, RESTORES)) === before + 1, 5_000);
  const event = await eventNaming(s, 'was deleted');
  const cm = await readCertsMap(s.core, s.namespace);
  assert.equal(event.involvedObject.uid, cm?.metadata?.uid, 'the Event is on the recreated object');
});

test('a poisoned copy made immutable is deleted and recreated within 2 s', async (t) => {
  const s = await ready(t);
  if (!s) return;
  await sleep(QUIET_MS);
  const before = await metricValue(s.controller, RESTORES);
  const apply = ['apply', '--server-side', '--force-conflicts', '--field-manager=tenant-freezer', '-f', '-'];
  await kubectlOk(['--kubeconfig', s.kubeconfig, ...apply], poisoned(s, { immutable: true }));
  s.latencies.push(await restoredWithin(s, Date.now()));
  await waitFor('counted', async () => (await metricValue(s.controller, RESTORES)) === before + 1, 5_000);
  const event = await eventNaming(s, 'changed by tenant-freezer');
  assert.match(event.message ?? '', /immutable/);
});

test('a writer that keeps fighting meets backed-off restores (about 0 s, +1 s, +2 s, +4 s), not a loop', async (t) => {
  const s = await ready(t);
  if (!s) return;
  await sleep(QUIET_MS);
  const before = await metricValue(s.controller, RESTORES);
  const fightMs = 8_000;
  const fightUntil = Date.now() + fightMs;
  let poisonings = 0;
  while (Date.now() < fightUntil) {
    const cm = await readCertsMap(s.core, s.namespace);
    if (cm && cm.data?.['cert.pem'] !== s.attackerPem) {
      cm.data = { ...cm.data, 'cert.pem': s.attackerPem };
      await s.core
        .replaceNamespacedConfigMap({ namespace: s.namespace, name: NAME, body: cm, fieldManager: 'tenant-fighter' })
        .then(() => (poisonings += 1))
        .catch(() => undefined); // a conflict with a restore: look again
    }
    await sleep(20);
  }
  const during = (await metricValue(s.controller, RESTORES)) - before;
  t.diagnostic(`fight: ${poisonings} poisonings answered by ${during} restores in ${fightMs} ms`);
  // Restores at about 0, 1, 3 and 7 s: 3 or 4 in 8 s, where a loop would make hundreds.
  assert.ok(during >= 3 && during <= 4, `restores during the fight: ${during}`);
  assert.ok(poisonings <= during + 1, `each poisoning waited for a restore (${poisonings})`);
  assert.match(s.controller.output(), /restore backed off/);
  // The writer gives up: its last poisoning is restored when the current backoff (8 s) is over.
  await restoredWithin(s, Date.now(), 9_000);
  const fights = (await restoreEvents(s)).filter((e) => e.message?.includes('changed by tenant-fighter'));
  assert.equal(fights.length, 1, 'one Event, counted up');
  assert.ok((fights[0]?.count ?? 0) >= 3, `Event count ${fights[0]?.count}`);
});

test('figures: restore latency', async (t) => {
  const s = await ready(t);
  if (!s) return;
  assert.ok(s.latencies.length >= 6);
  const sorted = [...s.latencies].sort((a, b) => a - b);
  t.diagnostic(`restore latency (write answered → restored data read back), ms: ${sorted.join(', ')}`);
  assert.ok((sorted.at(-1) ?? 0) < RESTORE_BUDGET_MS);
});
