#!/usr/bin/env node
// Benchmarks what a POST /v1/verify flood at the rate limit does to unsealing (run after `npm run build`):
//   quiet:  time from creating a SealedSecret (3 v2 items) to its Secret, median of N, no API traffic;
//   flood:  the same while three clients post 64-item verifies at their own limit (one every 2 s: 32 RSA ops/s
//           each, 96/s together against the endpoint's 64/s), a fourth posts them back to back (2 in flight) and a
//           fifth posts as many items as fit in 1 MiB (~1,300; 4 in flight; 413); measured after 5 s of flood,
//           which goes on throughout;
//   the ratio flood/quiet (target ≤ 2), RSA ops/s spent on the API and on the reconciler over the flooded window,
//   answers by status, the controller's event-loop p99 over that window;
//   slices: an in-process RsaWorkerPool with RSA-4096 keys: how long one API task holds a worker before it must
//           go back to the queue (8 v2 items; v1 items alternating between the two oldest of 4 held keys, 4 trial
//           decryptions each: the dearest slice).
// The controller is the e2e harness's process with its default key size (RSA-4096); the flood runs in a worker
// thread of this script, so its traffic does not delay the watch that times the Secrets. GITSEAL_BENCH_SAMPLES
// sets N (default 7). Prints human lines, then one JSON line for the bench driver.
/* global fetch */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api } from '@kubernetes/client-node';
import { createHeldKey, Envelope, generateKeyPairSync, scopeLabel, Scope, sealValue } from '@gitseal/crypto';
import { pino } from 'pino';
import { startControlPlane } from '../dist/cluster/index.js';
import { crdPath, installCrd } from '../dist/support/install-crd.js';
import { kubeConfigFor } from '../dist/support/kube-config-for.js';
import { metricValue, scrape, startControllerProcess } from '../dist/e2e/controller-harness.js';
import { manyItems, median, startFlood, timeToSecret } from '../dist/e2e/verify-flood-harness.js';
import {
  DEFAULT_API_SLICE_OPERATIONS,
  RsaPriority,
  RsaWorkerPool,
} from '../../packages/controller/dist/rsa-worker-pool.js';
import { loadVectorKeys } from '../vectors/bitnami-vectors.mjs';

const N = Number(process.env.GITSEAL_BENCH_SAMPLES ?? 7);
if (!Number.isSafeInteger(N) || N < 1) throw new Error('GITSEAL_BENCH_SAMPLES must be a positive integer');
const CONTROLLER_NS = 'gitseal-system';
const WORK_NS = 'bench';
const vectorKeys = loadVectorKeys();
const r = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? 0;

/** In the flood's worker thread: run the flood, answer `snapshot` and `stop` with the counts. */
if (!isMainThread) {
  const { api, clients } = workerData;
  const running = startFlood(
    api,
    clients.map((c) => ({ ...c, body: Buffer.from(c.body) })),
    5,
    10 * 60_000,
  );
  parentPort.on('message', async (what) => {
    if (what === 'snapshot') parentPort.postMessage(running.snapshot());
    else {
      parentPort.postMessage(await running.stop());
      parentPort.close();
    }
  });
}

/** The flood in a worker thread: `snapshot()` and `stop()` as the harness's Flood, asynchronous. */
function floodInWorker(api, clients) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { api, clients } });
  const ask = (what) =>
    new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage(what);
    });
  return { snapshot: () => ask('snapshot'), stop: () => ask('stop') };
}

/** Slice durations of one API unseal running alone on a one-worker pool (from the pool's per-slice callback). */
async function sliceTimes(keys, encryptedData) {
  const finished = [];
  const pool = new RsaWorkerPool({
    size: 1,
    logger: pino({ enabled: false }),
    onRsaOperations: (count) => finished.push({ at: performance.now(), count }),
  });
  try {
    pool.setKeys(keys);
    const request = { object: 'bench/slices', scopeLabel: 'bench/slices', encryptedData };
    await pool.unseal(request, { priority: RsaPriority.Api, discardData: true }); // warm-up
    const times = [];
    const ops = [];
    for (let run = 0; run < 5; run++) {
      finished.length = 0;
      let last = performance.now();
      const outcome = await pool.unseal(request, { priority: RsaPriority.Api, discardData: true });
      if (!outcome.ok) throw new Error(outcome.message);
      for (const { at, count } of finished) {
        times.push(at - last);
        ops.push(count);
        last = at;
      }
    }
    return { times, ops };
  } finally {
    await pool.close();
  }
}

function sealedTo(entries) {
  const label = scopeLabel(Scope.Strict, 'bench', 'slices');
  return Object.fromEntries(
    entries.map(([itemKey, key, envelope]) => [
      itemKey,
      sealValue({ publicKey: key.publicKey, scopeLabel: label, itemKey, plaintext: Buffer.from(itemKey), envelope }),
    ]),
  );
}

async function measureSlices() {
  const fromVectors = vectorKeys
    .filter((k) => k.name === 'key1' || k.name === 'key2')
    .map((k) => createHeldKey({ keyPem: k.keyPem, certPem: k.certPem, name: k.name }));
  const generated = [0, 1].map(() => {
    const { privateKey } = generateKeyPairSync(4096);
    return createHeldKey({ keyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }) });
  });
  // Newest first: generated[0], generated[1], key2, key1.
  const dated = (key, year) => ({ ...key, notBefore: new Date(year, 0) });
  const [key1, key2] = fromVectors;
  const keys = [dated(generated[0], 2026), dated(generated[1], 2025), dated(key2, 2024), dated(key1, 2023)];
  const name = (i) => `item-${String(i).padStart(3, '0')}`;
  const v2 = sealedTo(Array.from({ length: 64 }, (_, i) => [name(i), keys[0], Envelope.V2]));
  // Each item tries the key that opened the last one, then the others newest first: its own key comes last.
  const v1 = sealedTo(Array.from({ length: 64 }, (_, i) => [name(i), i % 2 ? key2 : key1, Envelope.V1]));
  return { v2: await sliceTimes(keys, v2), v1: await sliceTimes(keys, v1), keys: keys.length };
}

/** The bench itself (main thread). */
async function main() {
  let plane;
  let controller;
  let flood;
  try {
    const slices = await measureSlices();
    plane = await startControlPlane();
    const kc = kubeConfigFor(plane.kubeconfigPath);
    const core = kc.makeApiClient(CoreV1Api);
    await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
    for (const name of [CONTROLLER_NS, WORK_NS]) await core.createNamespace({ body: { metadata: { name } } });
    controller = await startControllerProcess(plane.kubeconfigPath, [
      '--namespace',
      CONTROLLER_NS,
      '--no-sync',
      '--log-level',
      'info',
    ]);
    const certPem = await (await fetch(`${controller.api}/v1/cert.pem`)).text();
    await sleep(2_000); // past the start-up: the informers have settled

    const quiet = [];
    for (let i = 0; i < N; i++) {
      quiet.push(await timeToSecret(kc, manyItems(certPem, WORK_NS, `quiet-${i}`, 3)));
      await sleep(500);
    }

    const body = (i) => Buffer.from(JSON.stringify(manyItems(certPem, WORK_NS, `flood-${i}`, 64)));
    // As many RSA-4096 items as fit in the 1 MiB body limit (about 1,300): one such request was about 6 s of RSA.
    let hugeItems = 1400;
    let huge;
    do {
      hugeItems -= 50;
      huge = Buffer.from(JSON.stringify(manyItems(certPem, WORK_NS, 'huge', hugeItems)));
    } while (huge.length >= 1024 * 1024);
    const clients = [
      ...['127.0.0.2', '127.0.0.3', '127.0.0.4'].map((address, i) => ({ address, body: body(i), intervalMs: 2_000 })),
      { address: '127.0.0.5', body: body(3), concurrency: 2 },
      { address: '127.0.0.6', body: huge, concurrency: 4 },
    ];
    flood = floodInWorker(controller.api, clients);
    await sleep(5_000);
    const value = (text, name) => {
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
    };
    // One scrape each side: a scrape resets the event-loop histogram, so its p99 at the end covers the window only.
    const rsaBefore = value(await scrape(controller), 'gitseal_rsa_private_operations_total');
    const windowStart = performance.now();
    const loaded = [];
    for (let i = 0; i < N; i++) {
      loaded.push(await timeToSecret(kc, manyItems(certPem, WORK_NS, `busy-${i}`, 3)));
      await sleep(500);
    }
    const windowSeconds = (performance.now() - windowStart) / 1000;
    const after = await scrape(controller);
    const rsaWindow = value(after, 'gitseal_rsa_private_operations_total') - rsaBefore;
    const lagP99 = value(after, 'gitseal_controller_nodejs_eventloop_lag_p99_seconds');
    const total = await flood.stop();
    flood = undefined;
    // Nothing else does RSA meanwhile: the reconciler opened the N SealedSecrets' 3 v2 items once each (checked
    // below), the API did the rest.
    const reconcilerOps = N * 3;
    const unsealed = await metricValue(controller, 'gitseal_unseal_results_total', '{reason="Unsealed"}');
    if (unsealed !== 2 * N) throw new Error(`expected ${2 * N} unseals, the controller counted ${unsealed}`);
    const apiOps = rsaWindow - reconcilerOps;
    const ratio = median(loaded) / median(quiet);
    const perOp = median(slices.v2.times) / DEFAULT_API_SLICE_OPERATIONS;

    const list = (xs) => xs.map((x) => r(x, 0)).join(', ');
    console.log(
      `API slice (RSA-4096, ${DEFAULT_API_SLICE_OPERATIONS} operations): v2 median ${r(median(slices.v2.times), 1)} ms, max ${r(Math.max(...slices.v2.times), 1)} ms; ` +
        `v1 alternating over ${slices.keys} keys: median ${r(median(slices.v1.times), 1)} ms, max ${r(Math.max(...slices.v1.times), 1)} ms (${Math.max(...slices.v1.ops)} operations)`,
    );
    console.log(`time to Secret, quiet: median ${r(median(quiet), 0)} ms (${list(quiet)})`);
    console.log(
      `time to Secret, verify flood: median ${r(median(loaded), 0)} ms (${list(loaded)}); ratio ${r(ratio)} (target ≤ 2)`,
    );
    console.log(
      `RSA over the flooded window (${r(windowSeconds, 1)} s): API ${r(apiOps / windowSeconds, 1)} ops/s, reconciler ${r(reconcilerOps / windowSeconds, 1)} ops/s; controller event-loop p99 ${r(lagP99 * 1000, 1)} ms`,
    );
    console.log(
      `flood: ${total.requests} requests in ${r(total.seconds, 1)} s: 200 ×${total.byStatus[200] ?? 0}, 429 ×${total.byStatus[429] ?? 0}, 413 ×${total.byStatus[413] ?? 0}, errors ${total.errors}`,
    );
    console.log(
      JSON.stringify({
        samples: N,
        hugeItems,
        keyBits: 4096,
        sliceOperations: DEFAULT_API_SLICE_OPERATIONS,
        sliceV2MedianMs: r(median(slices.v2.times), 1),
        sliceV2MaxMs: r(Math.max(...slices.v2.times), 1),
        sliceV1WorstMedianMs: r(median(slices.v1.times), 1),
        sliceV1WorstMaxMs: r(Math.max(...slices.v1.times), 1),
        sliceV1WorstOperations: Math.max(...slices.v1.ops),
        rsaOpMs: r(perOp, 2),
        quietMedianMs: r(median(quiet), 0),
        quietP90Ms: r(quantile(quiet, 0.9), 0),
        floodMedianMs: r(median(loaded), 0),
        floodP90Ms: r(quantile(loaded, 0.9), 0),
        ratio: r(ratio),
        windowSeconds: r(windowSeconds, 1),
        apiOpsPerSecond: r(apiOps / windowSeconds, 1),
        reconcilerOpsPerSecond: r(reconcilerOps / windowSeconds, 1),
        eventLoopP99Ms: r(lagP99 * 1000, 1),
        floodRequests: total.requests,
        floodSeconds: r(total.seconds, 1),
        answers: total.byStatus,
        errors: total.errors,
      }),
    );
  } finally {
    await flood?.stop();
    await controller?.stop();
    await plane?.stop();
  }
}

if (isMainThread) await main();
