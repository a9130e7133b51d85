#!/usr/bin/env node
// Benchmarks gitseal-controller as a real process against its own local control plane (run after `npm run build`):
//   bulk:    N SealedSecrets × 3 items (envelope v2, spread over 3 RSA-4096 keys: vectors key1/key2 imported,
//            plus the one the controller generates), created at once (32 creates in flight) → time until every
//            Secret exists; RSA ops/s ÷ (`openssl speed rsa4096` sign/s × cores) measured in the same run;
//            controller RSS (VmRSS; anonymous vs file-backed, threads) idle with 0 objects, at the end and once settled;
//            CPU seconds of the controller, etcd, kube-apiserver and the bench over the bulk; event-loop p99 over the
//            bulk (prom-client default metrics).
//   restart: SIGTERM, start again with nothing changed → time to ready, time until every object was looked at,
//            and RSA operations (target 0).
// GITSEAL_BENCH_SEALED_SECRETS sets N (default 1000); GITSEAL_BENCH_CONTROLLER_ARGS adds controller flags
// (space-separated, e.g. `--workers 16`); GITSEAL_BENCH_SETTLE_S the seconds before an idle or settled figure (default
// 40: longer than the RSA pool's idle timeout); GITSEAL_BENCH_CPU_PROF a folder for the controller's V8 CPU profiles.
// Prints human lines, then one JSON line for the bench driver.
/* global fetch */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, CustomObjectsApi, Watch } from '@kubernetes/client-node';
import { Envelope, parseCertificate, scopeLabel, Scope, sealValue } from '@gitseal/crypto';
import { startControlPlane } from '../dist/cluster/index.js';
import { readState } from '../dist/cluster/state.js';
import { findFreePort } from '../dist/cluster/free-port.js';
import { crdPath, installCrd } from '../dist/support/install-crd.js';
import { kubeConfigFor } from '../dist/support/kube-config-for.js';
import { waitFor } from '../dist/support/wait-for.js';
import { loadVectorKeys } from '../vectors/bitnami-vectors.mjs';
import { bitnamiControllerPath, startBitnamiController } from '../dist/support/bitnami-controller.js';

const N = Number(process.env.GITSEAL_BENCH_SEALED_SECRETS ?? 1000);
const CONCURRENCY = 32;
// A folder for V8 CPU profiles of the controller (main thread and RSA workers): GITSEAL_BENCH_CPU_PROF=/tmp/prof.
const CPU_PROF_DIR = process.env.GITSEAL_BENCH_CPU_PROF;
// Seconds to let the controller settle before an idle figure: longer than the RSA pool's idle timeout.
const SETTLE_S = Number(process.env.GITSEAL_BENCH_SETTLE_S ?? 40);
// Node/V8 flags instead of the bin's shebang flags, to compare settings (space-separated, e.g. `--lite-mode`).
const NODE_FLAGS = process.env.GITSEAL_BENCH_NODE_FLAGS?.split(' ').filter((a) => a !== '');
// Bitnami's controller as the anchor, in the same run, when the tools step built it (GITSEAL_BENCH_BITNAMI=0: skip).
const BITNAMI = process.env.GITSEAL_BENCH_BITNAMI !== '0' && existsSync(bitnamiControllerPath());
const EXTRA_ARGS = (process.env.GITSEAL_BENCH_CONTROLLER_ARGS ?? '').split(' ').filter((a) => a !== '');
const ITEMS = ['username', 'password', 'token'];
const CONTROLLER_NS = 'gitseal-system';
const WORK_NS = 'bench';
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'packages', 'controller', 'bin', 'gitseal-controller.js');
const vectorKeys = loadVectorKeys();
const cores = availableParallelism();
const r = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const b64 = (text) => Buffer.from(text).toString('base64');

if (!Number.isSafeInteger(N) || N < 1) throw new Error('GITSEAL_BENCH_SEALED_SECRETS must be a positive integer');

/** N SealedSecrets of ITEMS each, sealed up front (the bulk measures the controller, not the sealing). */
function sealedSecretsFor({ apiVersion, namespace, publicKeys, envelope, template }) {
  return Array.from({ length: N }, (_, i) => {
    const name = `ss-${String(i).padStart(5, '0')}`;
    const label = scopeLabel(Scope.Strict, namespace, name);
    const publicKey = publicKeys[i % publicKeys.length];
    const encryptedData = Object.fromEntries(
      ITEMS.map((item) => [
        item,
        sealValue({ publicKey, scopeLabel: label, itemKey: item, plaintext: Buffer.from(`${item}-${i}`), envelope }),
      ]),
    );
    return {
      apiVersion,
      kind: 'SealedSecret',
      metadata: { name, namespace },
      spec: { encryptedData, template: template(name) },
    };
  });
}

function opensslSignsPerSecond() {
  const out = execFileSync('openssl', ['speed', '-seconds', '2', 'rsa4096'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const line = out.split('\n').find((l) => /^rsa\s+4096 bits/.test(l));
  if (!line) throw new Error('could not read `openssl speed rsa4096` output');
  return Number(line.trim().split(/\s+/)[5]); // rsa 4096 bits <sign s> <verify s> <sign/s> <verify/s>
}

/** Starts the controller; resolves once /readyz answers 200, with the time that took. */
async function startController(kubeconfig, logPath) {
  const [apiPort, metricsPort] = [await findFreePort(), await findFreePort()];
  const started = Date.now();
  // Straight into a file: a pipe drained by this busy process would block the controller's log writes.
  const log = openSync(logPath, 'a');
  // The bin itself, as deployed: its shebang line carries the controller's V8 flags.
  const args = [
    '--kubeconfig',
    kubeconfig,
    '--namespace',
    CONTROLLER_NS,
    '--listen-address',
    `127.0.0.1:${apiPort}`,
    '--metrics-address',
    `127.0.0.1:${metricsPort}`,
    '--no-leader-elect',
    ...EXTRA_ARGS,
  ];
  // With a profile: node with the shebang's V8 flag plus --cpu-prof (not allowed in NODE_OPTIONS), then the bin.
  // `#!/usr/bin/env -S NAME=value … node --flag …`: the environment settings, then node's flags.
  const shebang = readFileSync(bin, 'utf8').split('\n')[0].split(' ').slice(2);
  const shebangEnv = Object.fromEntries(
    shebang
      .slice(0, shebang.indexOf('node'))
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  const shebangFlags = shebang.slice(shebang.indexOf('node') + 1);
  const profile = CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : [];
  const [command, argv] =
    CPU_PROF_DIR || NODE_FLAGS
      ? [process.execPath, [...(NODE_FLAGS ?? shebangFlags), ...profile, bin, ...args]]
      : [bin, args];
  const child = spawn(command, argv, {
    cwd: root,
    env: { ...shebangEnv, ...process.env },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const api = `http://127.0.0.1:${apiPort}`;
  await waitFor(
    'controller ready',
    async () => {
      if (child.exitCode !== null) throw new Error(`controller exited ${child.exitCode}; see ${logPath}`);
      return (await fetch(`${api}/readyz`)).status === 200;
    },
    180_000,
    50,
  );
  return { child, exited, api, metrics: `http://127.0.0.1:${metricsPort}`, readyMs: Date.now() - started };
}

async function scrape(controller) {
  const text = await (await fetch(`${controller.metrics}/metrics`)).text();
  const value = (name, labels = '') => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };
  return value;
}

/** Where the controller's resident memory is (MiB): anonymous vs file-backed pages, threads (RSA workers are threads). */
function memoryOf(pid) {
  const fields = (path) =>
    Object.fromEntries(
      readFileSync(path, 'utf8')
        .split('\n')
        .map((l) => l.split(/:\s+/))
        .filter((kv) => kv.length === 2)
        .map(([k, v]) => [k, Number.parseInt(v, 10)]),
    );
  const status = fields(`/proc/${pid}/status`);
  return {
    rss: (status.VmRSS ?? 0) / 1024,
    anon: (status.RssAnon ?? 0) / 1024,
    file: (status.RssFile ?? 0) / 1024,
    threads: status.Threads ?? 0,
  };
}

const describeMemory = (m) =>
  `${r(m.rss, 1)} MiB (anonymous ${r(m.anon, 1)}, file-backed ${r(m.file, 1)}; ${m.threads} threads)`;

/** CPU seconds (user + system, every thread) a process has used so far. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in clock ticks (USER_HZ = 100)
}

/** CPU seconds of the controller, etcd, kube-apiserver and this bench process, keyed by name. */
function cpuOf(plane, controller) {
  const pids = { controller: controller.child.pid, bench: process.pid };
  for (const p of readState(plane.dir)?.processes ?? []) pids[p.name] = p.pid;
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
}

/** Runs `task(i)` for i in [0, count) with at most `limit` in flight. */
async function pooled(count, limit, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/**
 * Bitnami's controller (v0.40.0, built by the tools step into ~/.cache/gitseal) as the anchor: its key (vectors
 * key1) imported, idle memory, then N bitnami.com SealedSecrets × 3 items (its v1 format, strict scope) created
 * the same way → time until every Secret exists, RSS at the end and once settled. Its client rate limit is off
 * (`--kubeclient-qps -1`): at its default of 5 requests/s, 1,000 objects would take minutes of sleeping.
 */
async function benchBitnami(plane, kc, core, custom) {
  const ns = 'bench-bitnami';
  const system = 'bitnami-system';
  // Bitnami's controller caches every Secret in the cluster: gitseal's objects go first (no garbage collector here).
  await custom.deleteCollectionNamespacedCustomObject({
    group: 'gitseal.dev',
    version: 'v1alpha1',
    plural: 'sealedsecrets',
    namespace: WORK_NS,
  });
  await core.deleteCollectionNamespacedSecret({ namespace: WORK_NS });
  await installCrd(kc, crdPath('compat/sealedsecrets.bitnami.com.yaml'));
  for (const name of [ns, system]) await core.createNamespace({ body: { metadata: { name } } });
  const key = vectorKeys.find((k) => k.name === 'key1');
  await core.createNamespacedSecret({
    namespace: system,
    body: {
      metadata: { name: 'sealed-secrets-key1', labels: { 'sealedsecrets.bitnami.com/sealed-secrets-key': 'active' } },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': b64(key.certPem), 'tls.key': b64(key.keyPem) },
    },
  });
  const started = Date.now();
  const bitnami = await startBitnamiController({
    server: plane.server,
    caPem: plane.caPem,
    token: plane.adminToken,
    namespace: system,
    apiPort: await findFreePort(),
    metricsPort: await findFreePort(),
    extraArgs: ['--kubeclient-qps', '-1'],
  });
  try {
    await waitFor(
      "Bitnami's controller serving key1",
      async () => (await (await fetch(`${bitnami.api}/v1/cert.pem`)).text()).trim() === key.certPem.trim(),
      120_000,
      100,
    );
    const readyMs = Date.now() - started;
    await sleep(SETTLE_S * 1000);
    const idle = memoryOf(bitnami.child.pid);
    console.log(`Bitnami v0.40.0: ready in ${readyMs} ms; idle, 0 SealedSecrets: ${describeMemory(idle)}`);
    const objects = sealedSecretsFor({
      apiVersion: 'bitnami.com/v1alpha1',
      namespace: ns,
      publicKeys: [parseCertificate(key.certPem).publicKey],
      envelope: Envelope.V1,
      template: (name) => ({ metadata: { name, namespace: ns } }),
    });
    const produced = new Set();
    let allProduced;
    const allDone = new Promise((resolve) => (allProduced = resolve));
    const watch = await new Watch(kc).watch(
      `/api/v1/namespaces/${ns}/secrets`,
      {},
      (phase, object) => {
        if (phase !== 'ADDED' && phase !== 'MODIFIED') return;
        produced.add(object.metadata.name);
        if (produced.size === N) allProduced(Date.now());
      },
      () => undefined,
    );
    const cpuBefore = cpuSeconds(bitnami.child.pid);
    const t0 = Date.now();
    await pooled(N, CONCURRENCY, async (i) => {
      await custom.createNamespacedCustomObject({
        group: 'bitnami.com',
        version: 'v1alpha1',
        plural: 'sealedsecrets',
        namespace: ns,
        body: objects[i],
      });
    });
    const timeout = new Promise((_, reject) =>
      setTimeout(
        () => reject(new Error(`Bitnami: not all Secrets after 30 min (${produced.size}/${N})`)),
        30 * 60_000,
      ).unref(),
    );
    const t1 = await Promise.race([allDone, timeout]);
    const cpu = cpuSeconds(bitnami.child.pid) - cpuBefore;
    const atEnd = memoryOf(bitnami.child.pid);
    watch.abort();
    await sleep(SETTLE_S * 1000);
    const settled = memoryOf(bitnami.child.pid);
    const bulkSeconds = (t1 - t0) / 1000;
    console.log(
      `Bitnami v0.40.0: all ${N} Secrets exist after ${r(bulkSeconds)} s (${r(N / bulkSeconds)} SealedSecrets/s, ${r(cpu)} CPU-s); RSS at the end ${describeMemory(atEnd)}; ${SETTLE_S} s later ${describeMemory(settled)}`,
    );
    return {
      readyMs,
      bulkSeconds: r(bulkSeconds),
      sealedSecretsPerSecond: r(N / bulkSeconds),
      cpuSeconds: r(cpu),
      idleRssMiB: r(idle.rss, 1),
      rssMiB: r(atEnd.rss, 1),
      settledRssMiB: r(settled.rss, 1),
      settledAnonMiB: r(settled.anon, 1),
    };
  } finally {
    await bitnami.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'gitseal-bench-controller-'));
const logPath = join(dir, 'controller.log');
let plane;
let controller;
try {
  const signsPerSecond = opensslSignsPerSecond();
  plane = await startControlPlane();
  const kc = kubeConfigFor(plane.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
  for (const name of [CONTROLLER_NS, WORK_NS]) await core.createNamespace({ body: { metadata: { name } } });
  const keys = vectorKeys.filter((k) => k.name === 'key1' || k.name === 'key2');
  for (const key of keys) {
    await core.createNamespacedSecret({
      namespace: CONTROLLER_NS,
      body: {
        metadata: { name: `imported-${key.name}`, labels: { 'gitseal.dev/sealing-key': 'decrypt-only' } },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': b64(key.certPem), 'tls.key': b64(key.keyPem) },
      },
    });
  }
  controller = await startController(plane.kubeconfigPath, logPath);
  const generatedPem = await (await fetch(`${controller.api}/v1/cert.pem`)).text();
  const publicKeys = [generatedPem, ...keys.map((k) => k.certPem)].map((pem) => parseCertificate(pem).publicKey);
  const bits = publicKeys.map((k) => k.asymmetricKeyDetails?.modulusLength);
  console.log(`keys held: 3 (${bits.join(', ')} bits); controller ready in ${controller.readyMs} ms (key generation)`);
  // Idle with no SealedSecrets, once the key generation's RSA workers had time to go (rsa-worker-pool.ts).
  await sleep(SETTLE_S * 1000);
  const idle = memoryOf(controller.child.pid);
  const idleHeapMiB = (await scrape(controller))('gitseal_controller_nodejs_heap_size_used_bytes') / 2 ** 20;
  console.log(
    `idle, 0 SealedSecrets, ${SETTLE_S} s after ready: ${describeMemory(idle)}, heap used ${r(idleHeapMiB, 1)} MiB`,
  );

  // Seal everything up front: the bulk measures the controller, not the sealing.
  const objects = sealedSecretsFor({
    apiVersion: 'gitseal.dev/v1alpha1',
    namespace: WORK_NS,
    publicKeys,
    envelope: Envelope.V2,
    template: () => ({}),
  });

  const produced = new Set();
  let allProduced;
  const allDone = new Promise((resolve) => (allProduced = resolve));
  const watch = await new Watch(kc).watch(
    `/api/v1/namespaces/${WORK_NS}/secrets`,
    { labelSelector: 'gitseal.dev/sealed-secret=true' },
    (phase, object) => {
      if (phase !== 'ADDED' && phase !== 'MODIFIED') return;
      produced.add(object.metadata.name);
      if (produced.size === N) allProduced(Date.now());
    },
    () => undefined,
  );

  const before = await scrape(controller); // also resets the event-loop histogram: p99 below covers the bulk only
  const rsaBefore = before('gitseal_rsa_private_operations_total');
  const cpuBefore = cpuOf(plane, controller);
  const t0 = Date.now();
  let createdAt = 0;
  const creating = pooled(N, CONCURRENCY, async (i) => {
    await custom.createNamespacedCustomObject({
      group: 'gitseal.dev',
      version: 'v1alpha1',
      plural: 'sealedsecrets',
      namespace: WORK_NS,
      body: objects[i],
    });
  }).then(() => (createdAt = Date.now()));
  const timeout = new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`not all Secrets after 30 min (${produced.size}/${N})`)), 30 * 60_000).unref(),
  );
  const t1 = await Promise.race([allDone, timeout]);
  const cpuAfter = cpuOf(plane, controller);
  await creating;
  const after = await scrape(controller);
  const atEnd = memoryOf(controller.child.pid);
  const rss = atEnd.rss;
  const heapUsedMiB = after('gitseal_controller_nodejs_heap_size_used_bytes') / 2 ** 20;
  const heapTotalMiB = after('gitseal_controller_nodejs_heap_size_total_bytes') / 2 ** 20;
  const externalMiB = after('gitseal_controller_nodejs_external_memory_bytes') / 2 ** 20;
  watch.abort();
  if (process.env.GITSEAL_BENCH_PAUSE_S) {
    // Time to look at the controller after the bulk (e.g. /proc/<pid>/smaps, or a heap snapshot when the bench
    // runs with NODE_OPTIONS=--heapsnapshot-signal=SIGUSR2).
    console.log(`pausing ${process.env.GITSEAL_BENCH_PAUSE_S} s: controller pid ${controller.child.pid}`);
    await sleep(Number(process.env.GITSEAL_BENCH_PAUSE_S) * 1000);
  }
  const bulkSeconds = (t1 - t0) / 1000;
  const rsaOps = after('gitseal_rsa_private_operations_total') - rsaBefore;
  const rsaPerSecond = rsaOps / bulkSeconds;
  const limit = signsPerSecond * cores;
  const lagP99 = after('gitseal_controller_nodejs_eventloop_lag_p99_seconds');
  const lagMax = after('gitseal_controller_nodejs_eventloop_lag_max_seconds');
  // Every status written too (the Secret comes first in a reconcile).
  await waitFor(
    'all reconciled',
    async () => (await scrape(controller))('gitseal_unseal_results_total', '{reason="Unsealed"}') >= N,
    10 * 60_000,
    250,
  );
  const syncedSeconds = (Date.now() - t0) / 1000;
  await sleep(SETTLE_S * 1000);
  const settled = memoryOf(controller.child.pid);
  const settledHeapMiB = (await scrape(controller))('gitseal_controller_nodejs_heap_size_used_bytes') / 2 ** 20;
  if (NODE_FLAGS?.some((f) => f.startsWith('--heapsnapshot-signal=SIGUSR2'))) {
    // Where the settled heap is: a heap snapshot in the controller's working folder (the repository root).
    controller.child.kill('SIGUSR2');
    console.log(`heap snapshot of the settled controller (pid ${controller.child.pid}) requested; waiting 20 s`);
    await sleep(20_000);
  }

  console.log(
    `creates: ${N} SealedSecrets × ${ITEMS.length} items in ${r((createdAt - t0) / 1000)} s (${CONCURRENCY} in flight)`,
  );
  console.log(
    `bulk: all ${N} Secrets exist after ${r(bulkSeconds)} s (${r(N / bulkSeconds)} SealedSecrets/s); all statuses after ${r(syncedSeconds)} s`,
  );
  console.log(`RSA: ${rsaOps} private operations (expected ${N * ITEMS.length}), ${r(rsaPerSecond)} ops/s`);
  console.log(
    `openssl speed rsa4096 sign: ${r(signsPerSecond)} ops/s × ${cores} cores = ${r(limit)} ops/s; ratio ${r(rsaPerSecond / limit, 3)}`,
  );
  console.log(
    `controller RSS at the end: ${describeMemory(atEnd)}; main thread V8 heap ${r(heapUsedMiB, 1)} MiB used of ${r(heapTotalMiB, 1)}, external ${r(externalMiB, 1)} MiB`,
  );
  console.log(
    `controller RSS ${SETTLE_S} s after the last status: ${describeMemory(settled)}, heap used ${r(settledHeapMiB, 1)} MiB`,
  );
  const cpuBulk = Object.fromEntries(Object.keys(cpuAfter).map((k) => [k, r(cpuAfter[k] - (cpuBefore[k] ?? 0))]));
  console.log(
    `CPU seconds over the bulk (${r(bulkSeconds)} s × ${cores} cores = ${r(bulkSeconds * cores)} available): ${Object.entries(
      cpuBulk,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  console.log(
    `event-loop p99 over the bulk: ${r(lagP99 * 1000)} ms (sampled every 10 ms, so ~10 ms is idle); max ${r(lagMax * 1000)} ms`,
  );

  // Restart with nothing changed: ready, every object looked at, no RSA.
  const stopCode = await (controller.child.kill('SIGTERM'), controller.exited);
  if (stopCode !== 0) throw new Error(`controller exited ${stopCode} on SIGTERM; see ${logPath}`);
  const restartAt = Date.now();
  controller = await startController(plane.kubeconfigPath, logPath);
  await waitFor(
    'restart caught up',
    async () => (await scrape(controller))('gitseal_unseal_results_total', '{reason="Unchanged"}') >= N,
    10 * 60_000,
    100,
  );
  const caughtUpMs = Date.now() - restartAt;
  const restarted = await scrape(controller);
  const restartRsa = restarted('gitseal_rsa_private_operations_total');
  const restartUnsealed = restarted('gitseal_unseal_results_total', '{reason="Unsealed"}');
  console.log(
    `restart: ready in ${controller.readyMs} ms, all ${N} looked at after ${caughtUpMs} ms, RSA ops ${restartRsa} (target 0), unsealed again ${restartUnsealed}`,
  );

  // The anchor, same control plane: Bitnami's own controller (v0.40.0) with the same number of objects.
  const stopped = await (controller.child.kill('SIGTERM'), controller.exited);
  if (stopped !== 0) throw new Error(`controller exited ${stopped} on SIGTERM; see ${logPath}`);
  const bitnami = BITNAMI ? await benchBitnami(plane, kc, core, custom) : undefined;
  const vsBitnami = bitnami && {
    settledRss: r(settled.rss / bitnami.settledRssMiB, 2),
    rssAtEnd: r(rss / bitnami.rssMiB, 2),
    idleRss: r(idle.rss / bitnami.idleRssMiB, 2),
    bulkTime: r(bulkSeconds / bitnami.bulkSeconds, 2),
  };
  if (vsBitnami) {
    console.log(
      `gitseal ÷ Bitnami: RSS settled ${vsBitnami.settledRss} (goal ≤ 1.3), at the end ${vsBitnami.rssAtEnd}, idle ${vsBitnami.idleRss}; time to all Secrets ${vsBitnami.bulkTime}`,
    );
  }

  console.log(
    JSON.stringify({
      ...(bitnami ? { bitnami, vsBitnami } : {}),
      sealedSecrets: N,
      items: ITEMS.length,
      keys: 3,
      keyBits: bits,
      createConcurrency: CONCURRENCY,
      controllerArgs: EXTRA_ARGS.join(' '),
      createsSeconds: r((createdAt - t0) / 1000),
      bulkSeconds: r(bulkSeconds),
      sealedSecretsPerSecond: r(N / bulkSeconds),
      allStatusesSeconds: r(syncedSeconds),
      rsaOperations: rsaOps,
      rsaOpsPerSecond: r(rsaPerSecond),
      opensslSignPerSec: r(signsPerSecond),
      cores,
      rsaRatio: r(rsaPerSecond / limit, 3),
      idleRssMiB: r(idle.rss, 1),
      idleHeapUsedMiB: r(idleHeapMiB, 1),
      idleThreads: idle.threads,
      controllerRssMiB: r(rss, 1),
      controllerAnonMiB: r(atEnd.anon, 1),
      controllerThreads: atEnd.threads,
      settledRssMiB: r(settled.rss, 1),
      settledHeapUsedMiB: r(settledHeapMiB, 1),
      settledThreads: settled.threads,
      controllerHeapUsedMiB: r(heapUsedMiB, 1),
      controllerHeapTotalMiB: r(heapTotalMiB, 1),
      controllerExternalMiB: r(externalMiB, 1),
      cpuSecondsOverBulk: cpuBulk,
      eventLoopP99Ms: r(lagP99 * 1000),
      eventLoopMaxMs: r(lagMax * 1000),
      restartReadyMs: controller.readyMs,
      restartCaughtUpMs: caughtUpMs,
      restartRsaOperations: restartRsa,
    }),
  );
} finally {
  if (controller && controller.child.exitCode === null) {
    controller.child.kill('SIGTERM');
    await controller.exited;
  }
  await plane?.stop();
  if (process.env.GITSEAL_BENCH_KEEP_LOG) console.error(`controller log kept in ${logPath}`);
  else rmSync(dir, { recursive: true, force: true });
}
