#!/usr/bin/env node
// Notifications through gitseal-controller (a real process on a real control plane) to a real HTTP receiver on
// loopback, a NotificationProvider (webhook, address and HMAC key in a Secret) and a NotificationAlert created as
// a user would:
//   - drift → notification: BENCH_NOTIFY_DRIFTS (default 20) edits of synced ConfigMaps, each a different object
//     and one at a time, from the edit's answer to the DriftCorrected request arriving (limit 2 s);
//   - 100 drifts of one object in ~15 s (another writer fighting self-heal) → DriftCorrected notifications sent
//     (limit 1–2) and the events folded into them;
//   - sync latency (commit → trigger → Ready) with the receiver answering, then hanging, then failing (503): the
//     median of 7 each (a receiver that is down must not slow reconciles).
// Prints human lines, then one JSON line for the bench driver.
/* global fetch, performance */
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { startControlPlane } from '../dist/cluster/index.js';
import { startLoopbackReceiver } from '../dist/support/loopback-receiver.js';
import { stopAllControllers } from '../dist/e2e/controller-harness.js';
import {
  configMapJson,
  createGitRepo,
  createSyncNamespace,
  readyAt,
  startSyncController,
} from '../dist/e2e/sync-harness.js';

const DRIFTS = Number(process.env.BENCH_NOTIFY_DRIFTS ?? 20);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const ms = (x) => Math.round(x);

async function waitUntil(what, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const plane = await startControlPlane({});
const repo = createGitRepo();
const receiver = await startLoopbackReceiver();
try {
  const sync = await startSyncController(plane.kubeconfigPath, ['--notification-allow-http']);
  const { kc, syncs, controller } = sync;
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const ns = await createSyncNamespace(kc, 'bench-notify');
  const create = (plural, kind, name, spec) =>
    custom.createNamespacedCustomObject({
      group: 'gitseal.dev',
      version: 'v1alpha1',
      namespace: ns,
      plural,
      body: { apiVersion: 'gitseal.dev/v1alpha1', kind, metadata: { name }, spec },
    });
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'hook' }, stringData: { address: receiver.url, hmacKey: 'bench-hmac-key' } },
  });
  await create('notificationproviders', 'NotificationProvider', 'hook', {
    type: 'webhook',
    secretRef: { name: 'hook' },
  });
  await create('notificationalerts', 'NotificationAlert', 'drift', {
    providerRef: { name: 'hook' },
    eventSources: [{ kind: 'GitSync' }],
  });
  const files = {};
  for (let i = 0; i < DRIFTS; i++) files[`cm-${i}.yaml`] = configMapJson(`cm-${i}`, { color: 'blue' });
  files['fought.yaml'] = configMapJson('fought', { color: 'blue' });
  let commit = repo.commit(files);
  await syncs.create(ns, 'app', { source: { url: repo.url, ref: { branch: 'main' } }, interval: '1h' });
  await syncs.waitFor(ns, 'app', 'Ready', readyAt(commit));
  await waitUntil('the first notification', async () => receiver.requests.length > 0);
  const kinds = (since) =>
    receiver.requests.filter((r) => r.at >= since).map((r) => ({ at: r.at, body: JSON.parse(r.body) }));
  const edit = async (name, color) => {
    const live = await core.readNamespacedConfigMap({ namespace: ns, name });
    live.data = { ...live.data, color };
    await core.replaceNamespacedConfigMap({ namespace: ns, name, body: live });
  };

  // 1. drift → notification, one object at a time.
  const latencies = [];
  for (let i = 0; i < DRIFTS; i++) {
    const since = performance.now();
    await edit(`cm-${i}`, 'red');
    const edited = performance.now();
    const arrived = await waitUntil(`DriftCorrected for cm-${i}`, async () =>
      kinds(since).find((k) => k.body.kind === 'DriftCorrected' && k.body.event.target.name === `cm-${i}`),
    );
    latencies.push(arrived.at - edited);
    await sleep(200);
  }
  console.log(
    `drift → notification (${DRIFTS} objects): median ${ms(median(latencies))} ms, max ${ms(Math.max(...latencies))} ms (limit 2000)`,
  );

  // 2. 100 drifts of one object.
  const fightStart = performance.now();
  for (let i = 0; i < 100; i++) {
    await edit('fought', `red-${i}`).catch(() => undefined);
    await sleep(100);
  }
  const fightSeconds = (performance.now() - fightStart) / 1000;
  await sleep(3_000);
  const fought = kinds(fightStart).filter(
    (k) => k.body.kind === 'DriftCorrected' && k.body.event.target.name === 'fought',
  );
  const scrape = await (await fetch(`${controller.metrics}/metrics`)).text();
  const folded = Number(
    scrape
      .split('\n')
      .find((l) => l.startsWith('gitseal_notifications_total{') && l.includes('outcome="deduplicated"'))
      ?.split(' ')
      .at(-1) ?? 0,
  );
  console.log(
    `100 drifts of one object in ${fightSeconds.toFixed(1)} s → ${fought.length} notification(s) sent (limit 1–2), ${folded} event(s) folded`,
  );

  // 3. sync latency with the receiver up, hanging, failing.
  let n = 0;
  const timeSync = async () => {
    commit = repo.commit({ 'extra.yaml': configMapJson('extra', { n: String(n++) }) });
    const started = performance.now();
    await syncs.trigger(ns, 'app');
    await syncs.waitFor(ns, 'app', 'Ready', readyAt(commit));
    return performance.now() - started;
  };
  const phases = {};
  for (const [phase, answer] of [
    ['up', () => 200],
    ['hanging', () => 'hold'],
    ['failing', () => 503],
  ]) {
    receiver.answer = answer;
    const times = [];
    for (let i = 0; i < 7; i++) times.push(await timeSync());
    phases[phase] = ms(median(times));
    receiver.release();
  }
  console.log(
    `sync latency (median of 7): receiver up ${phases.up} ms, hanging ${phases.hanging} ms, failing ${phases.failing} ms`,
  );
  console.log(
    JSON.stringify({
      driftToNotificationMedianMs: ms(median(latencies)),
      driftToNotificationMaxMs: ms(Math.max(...latencies)),
      hundredDriftsNotifications: fought.length,
      hundredDriftsFolded: folded,
      syncLatencyMs: phases,
    }),
  );
} finally {
  receiver.answer = () => 200;
  receiver.release();
  await stopAllControllers();
  await receiver.close();
  repo.remove();
  await plane.stop();
}
