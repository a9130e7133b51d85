#!/usr/bin/env node
// The sync engine on a real control plane: a repository of N ConfigMaps (BENCH_OBJECTS, default 1,000).
// Part 1, the engine in-process (syncRevision, as the controller calls it):
//   first sync wall time and API requests; no-op resync time and requests (target 0 writes, ≤ 2 s), also with a
//   fresh engine state (restart); applied objects/s ÷ a plain loop of the same server-side apply requests in the
//   same run (target ≥ 0.8): the loop replays exactly the requests the engine sent (the server-side dry run of
//   each object before its apply included); both run twice, in A-B-B-A
//   order, each into an empty namespace.
// Part 2, gitseal-controller as a process with a GitSync (selfHeal, webhook secret) over the same repository:
//   first sync and no-op resync (started by the webhook) with their API requests; commit → applied through
//   POST /hooks/:namespace/:name (target ≤ 3 s); drift corrected after a deletion and after an edit (target ≤ 2 s).
// API requests are the kube-apiserver's own count (`apiserver_request_total` from its /metrics, read with the admin
// kubeconfig), a delta per phase. Left out: `leases` (the API server's identity heartbeat, a PUT every 10 s; the
// controller runs without leader election) and the bench's own requests in a phase, which are subtracted. The
// metric holds resource requests only: discovery (/api, /apis) and the /metrics scrapes are not in it. A WATCH
// counts when it ends. GITSEAL_BENCH_CONTROLLER_ARGS adds controller flags (space-separated);
// GITSEAL_BENCH_KEEP_LOG keeps the controller's log. BENCH_GIT=http serves the repository over smart HTTP (git's own
// `git http-backend`, basic auth, in a process of its own) instead of file://. After the webhook commits: the
// controller's resident memory and its children's (the render worker).
/* global fetch */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, CustomObjectsApi, Watch } from '@kubernetes/client-node';
import { loadKubeConfig, createRawApplier } from '@gitseal/kube';
import { createSyncState, syncRevision } from '@gitseal/sync';
import { startControlPlane } from '../dist/cluster/index.js';
import { findFreePort } from '../dist/cluster/free-port.js';
import { crdPath, installCrd } from '../dist/support/install-crd.js';
import { waitFor } from '../dist/support/wait-for.js';
import {
  describeRequests,
  engineInput,
  gitRepo,
  measured,
  processMemory,
  startGitHttpProcess,
} from './_sync-support.mjs';

const COUNT = Number(process.env.BENCH_OBJECTS ?? 1000);
const PER_FILE = 100;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONTROLLER_BIN = join(ROOT, 'packages', 'controller', 'bin', 'gitseal-controller.js');
const HTTP = process.env.BENCH_GIT === 'http';
const GIT_AUTH = { username: 'git', password: 'bench-git-password' };
const WEBHOOK_ROUNDS = Number(process.env.BENCH_WEBHOOK_ROUNDS ?? 5);
const EXTRA_ARGS = [
  ...(HTTP ? ['--git-allow-http'] : []),
  ...(process.env.GITSEAL_BENCH_CONTROLLER_ARGS ?? '').split(' ').filter((a) => a !== ''),
];
const ms = (x) => Math.round(x);

const configMap = (i, value = 'v1') => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: `cm-${i}` },
  data: { key: value, index: String(i) },
});
/** One file of PER_FILE ConfigMaps from `start`; those in `changed` hold v2. */
const file = (start, changed = []) =>
  Array.from({ length: PER_FILE }, (_, k) =>
    JSON.stringify(configMap(start + k, changed.includes(start + k) ? 'v2' : 'v1')),
  ).join('\n---\n');

const figures = (r) => ({ requests: r.total, writes: r.writes, reads: r.reads });

/** gitseal-controller as a process: `nextSync(key)` awaits a sync log line, `reconciles()` counts finished ones. */
/** The controller's own namespace is `namespace`: the bench's GitSync there is a platform one (no ServiceAccount). */
async function startController(kubeconfig, dir, namespace) {
  const [apiPort, metricsPort] = [await findFreePort(), await findFreePort()];
  const child = spawn(
    process.execPath,
    [
      CONTROLLER_BIN,
      ...['--kubeconfig', kubeconfig, '--namespace', namespace, '--key-size', '2048'],
      ...['--listen-address', `127.0.0.1:${apiPort}`, '--metrics-address', `127.0.0.1:${metricsPort}`],
      ...['--no-leader-elect', '--git-allow-file', '--git-cache-dir', join(dir, 'controller-cache')],
      ...EXTRA_ARGS,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = createWriteStream(join(dir, 'controller.log'));
  child.stderr.pipe(log);
  const waiting = new Set();
  createInterface({ input: child.stdout }).on('line', (line) => {
    log.write(`${line}\n`);
    if (!line.includes('"msg":"sync"')) return;
    const entry = JSON.parse(line);
    for (const waiter of waiting) waiter(entry);
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const api = `http://127.0.0.1:${apiPort}`;
  const metrics = `http://127.0.0.1:${metricsPort}/metrics`;
  await waitFor('controller ready', async () => (await fetch(`${api}/readyz`)).status === 200, 120_000, 50);
  return {
    api,
    pid: child.pid,
    /** Resolves with the next `sync` log line of this GitSync key. */
    nextSync: (key, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no sync of ${key} logged`)), timeoutMs);
        const waiter = (entry) => {
          if (entry.gitSync !== key) return;
          waiting.delete(waiter);
          clearTimeout(timer);
          resolve(entry);
        };
        waiting.add(waiter);
      }),
    async reconciles() {
      const text = await (await fetch(metrics)).text();
      const line = text
        .split('\n')
        .find((l) => l.startsWith('gitseal_reconcile_duration_seconds_count{kind="GitSync"}'));
      return Number(line?.slice(line.lastIndexOf(' ') + 1) ?? 0);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A watch on a namespace's ConfigMaps; `next(predicate)` resolves with the first event that matches. */
async function watchConfigMaps(kc, namespace) {
  const waiting = new Set();
  const abort = await new Watch(kc).watch(
    `/api/v1/namespaces/${namespace}/configmaps`,
    {},
    (phase, object) => {
      for (const waiter of waiting) waiter(phase, object);
    },
    () => undefined,
  );
  return {
    next: (what, accept, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
        const waiter = (phase, object) => {
          if (!accept(phase, object)) return;
          waiting.delete(waiter);
          clearTimeout(timer);
          resolve(performance.now());
        };
        waiting.add(waiter);
      }),
    stop: () => abort.abort(),
  };
}

const root = mkdtempSync(join(tmpdir(), 'gitseal-bench-sync-'));
const plane = await startControlPlane({});
let controller;
let watch;
let http;
try {
  // Loaded as the controller loads it (keep-alive connections): the engine and the plain loop both use it.
  const kc = loadKubeConfig({ kubeconfig: plane.kubeconfigPath });
  const core = kc.makeApiClient(CoreV1Api);
  const ns = 'bench-sync';
  const plainNs = 'bench-plain';
  const ctlNs = 'bench-controller';
  for (const name of [ns, `${ns}-2`, plainNs, `${plainNs}-2`, `${plainNs}-4`, ctlNs, 'gitseal-system']) {
    await core.createNamespace({ body: { metadata: { name } } });
  }
  const repo = gitRepo(root);
  const files = {};
  for (let i = 0; i < COUNT; i += PER_FILE) files[`cms/${i}.yaml`] = file(i);
  repo.commit(files);
  http = HTTP ? await startGitHttpProcess(root, GIT_AUTH.password) : undefined;
  const sourceUrl = http ? `${http.url}/remote.git` : repo.url;

  // Part 1: the engine in-process.
  const base = createRawApplier(kc);
  // Every request the engine sends (object with its sync label and digest annotation, dry run or not): the plain
  // loop replays them, so both sides make the same requests.
  const sent = [];
  const common = {
    ...engineInput(kc, root, {
      apply: (o, options) => (sent.push({ o, options }), base.apply(o, options)),
    }),
    ...(http ? { allowHttp: true, auth: GIT_AUTH } : {}),
  };
  const engineSync = (namespace, inventory, state) =>
    measured(kc, async () => {
      const gitSync = { metadata: { name: 'bench', namespace }, spec: { source: { url: sourceUrl }, interval: '1h' } };
      const result = await syncRevision({ ...common, gitSync, inventory, state });
      if (result.result !== 'Succeeded') throw new Error(`sync failed: ${result.reason}: ${result.message}`);
      return result;
    });
  const plainLoop = (objects, namespace) =>
    measured(kc, async () => {
      for (const { o, options } of objects) await base.apply({ ...o, metadata: { ...o.metadata, namespace } }, options);
    });
  // The same requests with as many in flight as the engine keeps within a tier (applyObjects' default, 4).
  const plainLanes = (objects, namespace, lanes = 4) =>
    measured(kc, async () => {
      let next = 0;
      const lane = async () => {
        while (next < objects.length) {
          const { o, options } = objects[next++];
          await base.apply({ ...o, metadata: { ...o.metadata, namespace } }, options);
        }
      };
      await Promise.all(Array.from({ length: lanes }, lane));
    });

  // Engine and plain loop in A-B-B-A order, each into an empty namespace, so that warm-up (of the API server, of
  // this process) and a changing machine load favour neither side.
  const state = createSyncState();
  const first = await engineSync(ns, [], state);
  const firstSent = sent.splice(0);
  const applies = firstSent.filter((r) => r.options?.dryRun !== true).length;
  if (applies !== COUNT) throw new Error(`the engine applied ${applies} objects, not ${COUNT}`);
  const plain1 = await plainLoop(firstSent, plainNs);
  const plain2 = await plainLoop(firstSent, `${plainNs}-2`);
  const second = await engineSync(`${ns}-2`, [], createSyncState());
  const engineRate = (2 * COUNT) / ((first.ms + second.ms) / 1000);
  const plainRate = (2 * COUNT) / ((plain1.ms + plain2.ms) / 1000);
  const lanes = await plainLanes(firstSent, `${plainNs}-4`);
  const lanesRate = COUNT / (lanes.ms / 1000);

  const inventory = first.value.inventory;
  const noop = await engineSync(ns, inventory, state);
  const restart = await engineSync(ns, inventory, createSyncState());
  repo.commit({ 'cms/0.yaml': file(0, [7]) });
  const oneChange = await engineSync(ns, inventory, state);

  console.log(`objects: ${COUNT}`);
  console.log('in-process engine (syncRevision):');
  console.log(`  first sync: ${ms(first.ms)} ms, ${describeRequests(first.requests)}`);
  console.log(
    `  no-op resync: ${ms(noop.ms)} ms, ${describeRequests(noop.requests)} (render reused: ${!noop.value.rendered})`,
  );
  console.log(`  no-op resync, fresh state (re-render): ${ms(restart.ms)} ms, ${describeRequests(restart.requests)}`);
  console.log(
    `  one-object commit → applied (direct call): ${ms(oneChange.ms)} ms, ${describeRequests(oneChange.requests)}`,
  );
  console.log(`  first sync again, second namespace: ${ms(second.ms)} ms, ${describeRequests(second.requests)}`);
  console.log(
    `  plain SSA loop: ${ms(plain1.ms)} ms and ${ms(plain2.ms)} ms, ${describeRequests(plain1.requests)} each time`,
  );
  console.log(
    `  applied objects/s (A-B-B-A): engine ${engineRate.toFixed(0)} ÷ plain ${plainRate.toFixed(0)} = ${(engineRate / plainRate).toFixed(2)}`,
  );
  console.log(
    `  the same requests 4 at a time (as the engine within a tier): ${ms(lanes.ms)} ms, ${lanesRate.toFixed(0)} objects/s; engine ÷ that = ${(engineRate / lanesRate).toFixed(2)}`,
  );

  // Part 2: the controller process, its webhook and its drift watch.
  await installCrd(kc, crdPath('gitsyncs.gitseal.dev.yaml'));
  await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
  const token = 'bench-webhook-token';
  await core.createNamespacedSecret({ namespace: ctlNs, body: { metadata: { name: 'hook' }, stringData: { token } } });
  await core.createNamespacedSecret({ namespace: ctlNs, body: { metadata: { name: 'git' }, stringData: GIT_AUTH } });
  controller = await startController(plane.kubeconfigPath, root, ctlNs);
  // Steady state: a GitSync created in the first ~2 s after /readyz waits ~2 s before its first reconcile (seen
  // as 2,015 and 2,017 ms of pickup); the figures here are about syncing, not about the controller's start.
  await sleep(3_000);
  watch = await watchConfigMaps(kc, ctlNs);
  const key = `${ctlNs}/bench`;
  const hookBody = JSON.stringify({ ref: 'refs/heads/main' });
  const hook = async () => {
    const signature = `sha256=${createHmac('sha256', token).update(hookBody).digest('hex')}`;
    const res = await fetch(`${controller.api}/hooks/${ctlNs}/bench`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signature },
      body: hookBody,
    });
    if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
  };
  /** Waits for the next sync's log line, then for its reconcile (status, event) to finish. */
  const syncDone = async (start) => {
    const count = await controller.reconciles();
    const logged = controller.nextSync(key);
    const startedAt = Date.now();
    await start();
    const entry = await logged;
    const at = performance.now();
    await waitFor('reconcile finished', async () => (await controller.reconciles()) > count, 30_000, 10);
    if (entry.result !== 'Succeeded') throw new Error(`controller sync ${entry.result}: ${entry.reason}`);
    // From the trigger until the engine began (the log line's time less the engine's own duration).
    return { entry, at, pickupMs: entry.time - entry.durationMs - startedAt };
  };

  const ctlFirst = await measured(
    kc,
    () =>
      syncDone(() =>
        kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
          group: 'gitseal.dev',
          version: 'v1alpha1',
          plural: 'gitsyncs',
          namespace: ctlNs,
          body: {
            apiVersion: 'gitseal.dev/v1alpha1',
            kind: 'GitSync',
            metadata: { name: 'bench' },
            spec: {
              source: {
                url: sourceUrl,
                ref: { branch: 'main' },
                ...(http ? { secretRef: { name: 'git' } } : {}),
              },
              interval: '1h',
              prune: true,
              selfHeal: true,
              webhookSecretRef: { name: 'hook' },
            },
          },
        }),
      ),
    () => ({ 'POST gitsyncs': 1 }),
  );
  await sleep(2_000); // the drift informer's initial list settles
  const ctlNoop = await measured(kc, () => syncDone(hook));

  // One-object commits through the webhook: cm-3 goes to v2 and back, WEBHOOK_ROUNDS times; medians reported.
  const commits = [];
  for (let round = 0; round < WEBHOOK_ROUNDS; round++) {
    const value = round % 2 === 0 ? 'v2' : 'v1';
    repo.commit({ 'cms/0.yaml': file(0, round % 2 === 0 ? [7, 3] : [7]) });
    const changed = watch.next(`cm-3 ${value}`, (phase, o) => o.metadata.name === 'cm-3' && o.data?.key === value);
    commits.push(
      await measured(kc, async () => {
        const t0 = performance.now();
        const done = syncDone(hook);
        const applied = (await changed) - t0;
        const finished = await done;
        return { applied, ready: finished.at - t0, engineMs: finished.entry.durationMs };
      }),
    );
  }
  const middle = (pick) => [...commits].sort((a, b) => pick(a) - pick(b))[Math.floor(commits.length / 2)];
  const webhook = middle((c) => c.value.applied);
  const controllerMemory = processMemory(controller.pid);

  const restored = (name) =>
    watch.next(
      `${name} restored`,
      (phase, o) => phase !== 'DELETED' && o.metadata.name === name && o.data?.key === 'v1',
    );
  /** Time from `change` (a hand-made write) until the watch sees the object as in Git again. */
  const drift = (name, change) => async () => {
    const back = restored(name);
    let t0 = 0;
    await syncDone(async () => {
      t0 = performance.now();
      await change();
    });
    return (await back) - t0;
  };
  const [deletedName, editedName] = [`cm-${Math.floor(COUNT / 2)}`, `cm-${Math.floor(COUNT * 0.6)}`];
  const deleted = await measured(
    kc,
    drift(deletedName, () => core.deleteNamespacedConfigMap({ namespace: ctlNs, name: deletedName })),
    () => ({ 'DELETE configmaps': 1 }),
  );
  const live = await core.readNamespacedConfigMap({ namespace: ctlNs, name: editedName });
  const edited = await measured(
    kc,
    drift(editedName, () =>
      core.replaceNamespacedConfigMap({
        namespace: ctlNs,
        name: editedName,
        body: { ...live, data: { ...live.data, key: 'edited by hand' } },
      }),
    ),
    () => ({ 'PUT configmaps': 1 }),
  );

  console.log('gitseal-controller process (GitSync, selfHeal, webhook):');
  console.log(
    `  first sync (create → reconciled): ${ms(ctlFirst.ms)} ms, ${describeRequests(ctlFirst.requests)}; engine ${ctlFirst.value.entry.durationMs} ms, engine started ${ctlFirst.value.pickupMs} ms after the create`,
  );
  console.log(
    `  no-op resync (webhook → reconciled): ${ms(ctlNoop.ms)} ms, ${describeRequests(ctlNoop.requests)}; engine ${ctlNoop.value.entry.durationMs} ms, engine started ${ctlNoop.value.pickupMs} ms after the POST`,
  );
  console.log(
    `  one-object commit → applied through the webhook: ${ms(webhook.value.applied)} ms, median of ${commits.length} (${commits.map((c) => ms(c.value.applied)).join(', ')}); reconciled, status written: ${ms(webhook.value.ready)} ms; engine ${middle((c) => c.value.engineMs).value.engineMs} ms; ${describeRequests(webhook.requests)}`,
  );
  console.log(
    `  controller RSS after the commits: ${Math.round(controllerMemory.self / 1048576)} MiB + children ${Math.round(controllerMemory.children / 1048576)} MiB (the render worker)`,
  );
  console.log(`  drift corrected: deleted ${ms(deleted.value)} ms, ${describeRequests(deleted.requests)}`);
  console.log(`  drift corrected: edited ${ms(edited.value)} ms, ${describeRequests(edited.requests)}`);

  console.log(
    JSON.stringify({
      objects: COUNT,
      transport: HTTP ? 'smart HTTP' : 'file',
      firstSyncMs: ms(first.ms),
      firstSync: figures(first.requests),
      noopResyncMs: ms(noop.ms),
      noopResync: figures(noop.requests),
      restartResyncMs: ms(restart.ms),
      restartResync: figures(restart.requests),
      oneChangeMs: ms(oneChange.ms),
      oneChange: figures(oneChange.requests),
      secondFirstSyncMs: ms(second.ms),
      plainLoopMs: [ms(plain1.ms), ms(plain2.ms)],
      plainLoop: figures(plain1.requests),
      engineObjectsPerSecond: Math.round(engineRate),
      plainObjectsPerSecond: Math.round(plainRate),
      ratio: Number((engineRate / plainRate).toFixed(2)),
      plainFourInFlightMs: ms(lanes.ms),
      plainFourInFlightObjectsPerSecond: Math.round(lanesRate),
      ratioToFourInFlight: Number((engineRate / lanesRate).toFixed(2)),
      controller: {
        firstSyncMs: ms(ctlFirst.ms),
        firstSync: figures(ctlFirst.requests),
        firstSyncWrites: ctlFirst.requests.writesByResource,
        firstSyncPickupMs: ctlFirst.value.pickupMs,
        firstSyncEngineMs: ctlFirst.value.entry.durationMs,
        noopResyncMs: ms(ctlNoop.ms),
        noopResync: figures(ctlNoop.requests),
        noopResyncEngineMs: ctlNoop.value.entry.durationMs,
        webhookCommitToAppliedMs: ms(webhook.value.applied),
        webhookCommitToAppliedAllMs: commits.map((c) => ms(c.value.applied)),
        webhookCommitEngineMs: middle((c) => c.value.engineMs).value.engineMs,
        rssMiB: Math.round(controllerMemory.self / 1048576),
        childrenRssMiB: Math.round(controllerMemory.children / 1048576),
        webhookCommitToReconciledMs: ms(webhook.value.ready),
        webhook: figures(webhook.requests),
        driftDeletedMs: ms(deleted.value),
        driftDeleted: figures(deleted.requests),
        driftEditedMs: ms(edited.value),
        driftEdited: figures(edited.requests),
      },
    }),
  );
} finally {
  watch?.stop();
  await controller?.stop();
  http?.stop();
  await plane.stop();
  if (process.env.GITSEAL_BENCH_KEEP_LOG) console.error(`controller log kept in ${join(root, 'controller.log')}`);
  else rmSync(root, { recursive: true, force: true });
}
