#!/usr/bin/env node
// 50 GitSyncs vs Flux (issue 17): the same 50 repositories over smart HTTP (git's own `git http-backend`, basic auth,
// in a process of its own), synced by gitseal-controller (50 GitSyncs) and by Flux's source-controller +
// kustomize-controller (50 GitRepository + 50 Kustomization), one after the other, each on a real control plane of
// its own, into 10 namespaces, at the same interval. Per side: the process tree's resident memory (the controller(s),
// render workers, git children; sampled every second from start until WINDOW seconds after all are Ready: peak and
// settled = median of the last 30 s), CPU seconds of the tree, time from the first create to all Ready, idle RSS
// before the first GitSync (gitseal), and each process's smaps_rollup at the end. Ratio gitseal ÷ Flux, same run.
// Each app: 15 ConfigMaps, 3 ServiceAccounts, 2 Services (20 objects, 3 files), names prefixed by the app; 5 apps per
// namespace. Both sides run at their defaults (concurrency, client rate limits), without leader election; gitseal as
// deployed (its bin with its shebang's V8 flags), both reconcilers on. Flux is built from the Go module proxy into
// ~/.cache/gitseal/flux on first use (test/cluster/flux-binaries.ts), never by .ci/run.
// Env: BENCH_APPS (50), BENCH_NAMESPACES (10), BENCH_INTERVAL (1m), BENCH_WINDOW_S (180), BENCH_SIDES (gitseal,flux),
// GITSEAL_BENCH_CONTROLLER_ARGS (extra controller flags), GITSEAL_BENCH_BEFORE_BIN (another checkout's built bin,
// run as side `before`: BENCH_SIDES=before,gitseal,flux), GITSEAL_BENCH_KEEP_LOG (keep the logs). RSS summed over processes counts the pages they share (the node
// binary's, ~35 MiB per Node process) once per process; PSS (smaps_rollup) splits shared pages among their users,
// so the PSS sum is what the tree costs the machine: both are printed.
/* global fetch */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { loadKubeConfig } from '@gitseal/kube';
import { startControlPlane } from '../dist/cluster/index.js';
import { resolveFluxControllers } from '../dist/cluster/flux-binaries.js';
import { findFreePort } from '../dist/cluster/free-port.js';
import { crdPath, installCrd } from '../dist/support/install-crd.js';
import { waitFor } from '../dist/e2e/controller-harness.js';
import { startGitHttpProcess } from './_sync-support.mjs';

const APPS = Number(process.env.BENCH_APPS ?? 50);
const NAMESPACES = Number(process.env.BENCH_NAMESPACES ?? 10);
const INTERVAL = process.env.BENCH_INTERVAL ?? '1m';
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 180);
const SETTLED_S = 30;
const SIDES = (process.env.BENCH_SIDES ?? 'gitseal,flux').split(',');
const GIT_AUTH = { username: 'git', password: 'bench-git-password' };
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONTROLLER_BIN = join(ROOT, 'packages', 'controller', 'bin', 'gitseal-controller.js');
// Side `before`: another checkout's built bin, for a before/after in the same run.
const BEFORE_BIN = process.env.GITSEAL_BENCH_BEFORE_BIN;
const EXTRA_ARGS = (process.env.GITSEAL_BENCH_CONTROLLER_ARGS ?? '').split(' ').filter((a) => a !== '');
const MiB = 1024 * 1024;
const mib = (bytes) => Math.round((bytes / MiB) * 10) / 10;
const TICKS = 100; // USER_HZ on Linux

// ---- the repositories ----

const gitEnv = (home) => ({
  PATH: process.env.PATH,
  HOME: home,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'b',
  GIT_AUTHOR_EMAIL: 'b@x',
  GIT_COMMITTER_NAME: 'b',
  GIT_COMMITTER_EMAIL: 'b@x',
});

/** App `i`'s 20 objects in 3 files (no namespace: each side puts them into the GitSync's / Kustomization's). */
function appFiles(i) {
  const p = `app-${i}`;
  const doc = (objects) => objects.map((o) => JSON.stringify(o, null, 1)).join('\n---\n') + '\n';
  const configMaps = Array.from({ length: 15 }, (_, k) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${p}-config-${k}`, labels: { app: p } },
    data: { 'settings.ini': `[app]\nname=${p}\nindex=${k}\n${'option=value\n'.repeat(20)}`, mode: 'production' },
  }));
  const accounts = Array.from({ length: 3 }, (_, k) => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: `${p}-sa-${k}`, labels: { app: p } },
  }));
  const services = Array.from({ length: 2 }, (_, k) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${p}-svc-${k}`, labels: { app: p } },
    spec: { selector: { app: p }, ports: [{ name: 'http', port: 80 + k, targetPort: 8080 }] },
  }));
  return { 'configmaps.yaml': doc(configMaps), 'serviceaccounts.yaml': doc(accounts), 'services.yaml': doc(services) };
}

/** 50 bare repositories `app-<i>.git` under `dir`, one commit each. */
function makeRepositories(dir) {
  const env = gitEnv(dir);
  const git = (cwd, ...args) => execFileSync('git', args, { cwd, env, encoding: 'utf8' });
  for (let i = 0; i < APPS; i++) {
    const work = join(dir, 'work', `app-${i}`);
    mkdirSync(work, { recursive: true });
    git(dir, 'init', '-q', '--bare', '--initial-branch=main', join(dir, `app-${i}.git`));
    git(dir, 'init', '-q', '--initial-branch=main', work);
    for (const [name, text] of Object.entries(appFiles(i))) writeFileSync(join(work, name), text);
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'app');
    git(work, 'push', '-q', join(dir, `app-${i}.git`), 'main');
  }
}

// ---- process trees: memory and CPU ----

function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** pid → { ppid, rss, name, cpuTicks (self), childTicks (reaped children) } of every process. */
function processTable() {
  const all = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProc(name, 'stat');
    const status = readProc(name, 'status');
    if (!stat || !status) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    all.set(Number(name), {
      ppid: Number(fields[1]),
      name: /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '',
      rss: Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024,
      cpuTicks: Number(fields[11]) + Number(fields[12]),
      childTicks: Number(fields[13]) + Number(fields[14]),
    });
  }
  return all;
}

/** The processes of the trees rooted at `roots` (the roots included). */
function treeOf(roots, table = processTable()) {
  const found = [];
  const walk = (pid) => {
    const info = table.get(pid);
    if (!info) return;
    found.push({ pid, ...info });
    for (const [child, c] of table) if (c.ppid === pid) walk(child);
  };
  roots.forEach(walk);
  return found;
}

/** RSS of the trees and CPU seconds: every live process's own time plus what its reaped children used. */
function sampleTrees(roots) {
  const tree = treeOf(roots);
  return {
    rss: tree.reduce((sum, p) => sum + p.rss, 0),
    cpuSeconds: tree.reduce((sum, p) => sum + p.cpuTicks + p.childTicks, 0) / TICKS,
    processes: tree,
  };
}

/** Rss, Pss and the anonymous part of one process (smaps_rollup), MiB. */
function rollup(pid) {
  const text = readProc(pid, 'smaps_rollup') ?? '';
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) / 1024;
  return { rss: kb('Rss'), pss: kb('Pss'), anonymous: kb('Anonymous'), pssFile: kb('Pss_File') };
}

const pssOf = (processes) => processes.reduce((sum, p) => sum + rollup(p.pid).pss * MiB, 0);

/** Samples the trees every second until stopped: peak, the samples (RSS and PSS sums), CPU at the end. */
function startSampler(roots) {
  const samples = [];
  let peak = { rss: 0, at: 0, processes: [] };
  let peakPss = 0;
  const started = Date.now();
  const take = () => {
    const s = sampleTrees(roots());
    const pss = pssOf(s.processes);
    samples.push({ at: Date.now() - started, rss: s.rss, pss });
    peakPss = Math.max(peakPss, pss);
    if (s.rss > peak.rss) peak = { rss: s.rss, at: Date.now() - started, processes: s.processes };
  };
  take();
  const timer = setInterval(take, 1000);
  return {
    samples,
    get peak() {
      return peak;
    },
    get peakPss() {
      return peakPss;
    },
    stop: () => clearInterval(timer),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ---- the cluster side ----

async function prepareNamespaces(kc, prefix) {
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const names = Array.from({ length: NAMESPACES }, (_, k) => `${prefix}-${k}`);
  for (const namespace of names) {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedSecret({ namespace, body: { metadata: { name: 'git' }, stringData: GIT_AUTH } });
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'syncer' } } });
    // A Role of its own: the API-only control plane has no controller-manager to fill the aggregated `admin`.
    await rbac.createNamespacedRole({
      namespace,
      body: {
        metadata: { name: 'syncer' },
        rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: 'syncer' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'syncer' },
        subjects: [{ kind: 'ServiceAccount', name: 'syncer', namespace }],
      },
    });
  }
  return names;
}

const isReady = (o) =>
  (o.status?.conditions ?? []).some(
    (c) => c.type === 'Ready' && c.status === 'True' && (o.status.observedGeneration ?? 0) >= o.metadata.generation,
  );

/** Resolves once every object of `plural` in the `prefix` namespaces is Ready: ms since `t0`. */
async function allReady(kc, group, version, plural, prefix, t0, timeoutMs = 15 * 60_000) {
  const api = kc.makeApiClient(CustomObjectsApi);
  let ready = 0;
  await waitFor(
    `${APPS} ${plural} Ready (${ready} so far)`,
    async () => {
      const list = await api.listClusterCustomObject({ group, version, plural });
      ready = list.items.filter((o) => o.metadata.namespace.startsWith(`${prefix}-`) && isReady(o)).length;
      return ready === APPS;
    },
    timeoutMs,
    500,
  );
  return Date.now() - t0;
}

/** Spawns `command`, its output into `logPath`; resolves once `ready()` is true. */
async function startProcess(command, args, logPath, ready, env = process.env) {
  const log = openSync(logPath, 'a');
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', log, log], env });
  closeSync(log);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await waitFor(
    `${command} ready`,
    async () => {
      if (child.exitCode !== null) throw new Error(`${command} exited ${child.exitCode}; see ${logPath}`);
      return ready();
    },
    180_000,
    100,
  );
  return {
    pid: child.pid,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!done) child.kill('SIGKILL');
      await exited;
    },
  };
}

const ok = async (url) => {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
};

/** Samples, waits for all Ready, samples on for WINDOW_S; the side's figures. */
async function measure(what, roots, create, ready, extra = {}) {
  const sampler = startSampler(roots);
  const cpuBefore = sampleTrees(roots()).cpuSeconds;
  const t0 = Date.now();
  await create();
  const readyMs = await ready(t0);
  const readyAt = sampler.samples.length;
  await sleep(WINDOW_S * 1000);
  sampler.stop();
  const end = sampleTrees(roots());
  const settledSamples = sampler.samples.slice(-SETTLED_S).map((s) => s.rss);
  const settledPss = sampler.samples.slice(-SETTLED_S).map((s) => s.pss);
  const processes = end.processes.map((p) => ({ pid: p.pid, name: p.name, rssMiB: mib(p.rss), ...rollup(p.pid) }));
  const figures = {
    side: what,
    allReadyMs: readyMs,
    peakRssMiB: mib(sampler.peak.rss),
    peakAtS: Math.round(sampler.peak.at / 1000),
    peakProcesses: sampler.peak.processes.map((p) => `${p.name} ${mib(p.rss)}`),
    rssAtAllReadyMiB: mib(sampler.samples[readyAt - 1]?.rss ?? 0),
    settledRssMiB: mib(median(settledSamples)),
    peakPssMiB: mib(sampler.peakPss),
    settledPssMiB: mib(median(settledPss)),
    endProcesses: processes,
    cpuSeconds: Math.round((end.cpuSeconds - cpuBefore) * 10) / 10,
    windowS: WINDOW_S,
    ...extra,
  };
  console.log(
    `${what}: all ${APPS} Ready in ${readyMs} ms; RSS peak ${figures.peakRssMiB} MiB (at ${figures.peakAtS} s: ${figures.peakProcesses.join(', ')}), at all-Ready ${figures.rssAtAllReadyMiB} MiB, settled ${figures.settledRssMiB} MiB; PSS peak ${figures.peakPssMiB}, settled ${figures.settledPssMiB} MiB; CPU ${figures.cpuSeconds} s over ${Math.round(readyMs / 1000) + WINDOW_S} s`,
  );
  for (const p of processes) {
    console.log(
      `  ${p.name} (${p.pid}): RSS ${p.rssMiB} MiB, PSS ${p.pss.toFixed(1)}, anonymous ${p.anonymous.toFixed(1)}, file PSS ${p.pssFile.toFixed(1)}`,
    );
  }
  return figures;
}

async function runGitseal(kc, plane, dir, gitUrl, side, bin) {
  await installCrd(kc, crdPath('gitsyncs.gitseal.dev.yaml'));
  await installCrd(kc, crdPath('sealedsecrets.gitseal.dev.yaml'));
  const core = kc.makeApiClient(CoreV1Api);
  const controllerNs = `${side}-system`;
  await core.createNamespace({ body: { metadata: { name: controllerNs } } });
  const prefix = side === 'gitseal' ? 'gs' : 'gb';
  const namespaces = await prepareNamespaces(kc, prefix);
  const [apiPort, metricsPort] = [await findFreePort(), await findFreePort()];
  const args = [
    ...['--kubeconfig', plane.kubeconfigPath, '--namespace', controllerNs, '--key-size', '2048'],
    ...['--listen-address', `127.0.0.1:${apiPort}`, '--metrics-address', `127.0.0.1:${metricsPort}`],
    ...['--no-leader-elect', '--git-allow-http', '--git-cache-dir', join(dir, `${side}-cache`)],
    ...EXTRA_ARGS,
  ];
  // The bin itself, as deployed: its shebang line carries the controller's V8 flags.
  const controller = await startProcess(bin, args, join(dir, `${side}.log`), () =>
    ok(`http://127.0.0.1:${apiPort}/readyz`),
  );
  try {
    await sleep(10_000);
    const idle = sampleTrees([controller.pid]);
    const idleRssMiB = mib(idle.rss);
    console.log(`${side}: idle RSS before the first GitSync (10 s after ready): ${idleRssMiB} MiB`);
    const api = kc.makeApiClient(CustomObjectsApi);
    const create = async () => {
      for (let i = 0; i < APPS; i++) {
        const namespace = namespaces[i % NAMESPACES];
        await api.createNamespacedCustomObject({
          group: 'gitseal.dev',
          version: 'v1alpha1',
          plural: 'gitsyncs',
          namespace,
          body: {
            apiVersion: 'gitseal.dev/v1alpha1',
            kind: 'GitSync',
            metadata: { name: `app-${i}` },
            spec: {
              source: { url: `${gitUrl}/app-${i}.git`, ref: { branch: 'main' }, secretRef: { name: 'git' } },
              serviceAccountName: 'syncer',
              interval: INTERVAL,
              prune: true,
            },
          },
        });
      }
    };
    return await measure(
      side,
      () => [controller.pid],
      create,
      (t0) => allReady(kc, 'gitseal.dev', 'v1alpha1', 'gitsyncs', prefix, t0),
      { idleRssMiB },
    );
  } finally {
    await controller.stop();
  }
}

async function runFlux(kc, plane, dir, gitUrl) {
  const flux = await resolveFluxControllers();
  for (const file of readdirSync(flux.crdDir)) await installCrd(kc, join(flux.crdDir, file));
  const namespaces = await prepareNamespaces(kc, 'fx');
  const ports = [];
  for (let k = 0; k < 6; k++) ports.push(await findFreePort());
  const [storage, srcMetrics, srcHealth, kusMetrics, kusHealth] = ports;
  const storageDir = join(dir, 'flux-storage');
  mkdirSync(storageDir, { recursive: true });
  const common = ['--enable-leader-election=false', '--log-level=info'];
  // controller-runtime reads KUBECONFIG; Flux reads RUNTIME_NAMESPACE as its own namespace; HOME for go-git.
  const env = { ...process.env, KUBECONFIG: plane.kubeconfigPath, RUNTIME_NAMESPACE: 'flux-system', HOME: dir };
  const source = await startProcess(
    flux.sourceController,
    [
      ...common,
      `--storage-path=${storageDir}`,
      `--storage-addr=127.0.0.1:${storage}`,
      `--storage-adv-addr=127.0.0.1:${storage}`,
      `--metrics-addr=127.0.0.1:${srcMetrics}`,
      `--health-addr=127.0.0.1:${srcHealth}`,
    ],
    join(dir, 'source-controller.log'),
    () => ok(`http://127.0.0.1:${srcHealth}/readyz`),
    env,
  );
  let kustomize;
  try {
    kustomize = await startProcess(
      flux.kustomizeController,
      [...common, `--metrics-addr=127.0.0.1:${kusMetrics}`, `--health-addr=127.0.0.1:${kusHealth}`],
      join(dir, 'kustomize-controller.log'),
      () => ok(`http://127.0.0.1:${kusHealth}/readyz`),
      env,
    );
    await sleep(10_000);
    const idleRssMiB = mib(sampleTrees([source.pid, kustomize.pid]).rss);
    console.log(`flux: idle RSS before the first GitRepository (10 s after ready): ${idleRssMiB} MiB`);
    const api = kc.makeApiClient(CustomObjectsApi);
    const create = async () => {
      for (let i = 0; i < APPS; i++) {
        const namespace = namespaces[i % NAMESPACES];
        const name = `app-${i}`;
        await api.createNamespacedCustomObject({
          group: 'source.toolkit.fluxcd.io',
          version: 'v1',
          plural: 'gitrepositories',
          namespace,
          body: {
            apiVersion: 'source.toolkit.fluxcd.io/v1',
            kind: 'GitRepository',
            metadata: { name },
            spec: {
              url: `${gitUrl}/app-${i}.git`,
              ref: { branch: 'main' },
              secretRef: { name: 'git' },
              interval: INTERVAL,
            },
          },
        });
        await api.createNamespacedCustomObject({
          group: 'kustomize.toolkit.fluxcd.io',
          version: 'v1',
          plural: 'kustomizations',
          namespace,
          body: {
            apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
            kind: 'Kustomization',
            metadata: { name },
            spec: {
              sourceRef: { kind: 'GitRepository', name },
              path: './',
              interval: INTERVAL,
              prune: true,
              targetNamespace: namespace,
              serviceAccountName: 'syncer',
            },
          },
        });
      }
    };
    return await measure(
      'flux',
      () => [source.pid, kustomize.pid],
      create,
      (t0) => allReady(kc, 'kustomize.toolkit.fluxcd.io', 'v1', 'kustomizations', 'fx', t0),
      { idleRssMiB, version: flux.version },
    );
  } finally {
    await kustomize?.stop();
    await source.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'gitseal-bench-gitsyncs-'));
let http;
let plane;
try {
  // Flux first when asked, so a build of it (minutes, once) happens before anything is measured.
  if (SIDES.includes('flux')) await resolveFluxControllers();
  const repos = join(dir, 'repos');
  mkdirSync(repos);
  makeRepositories(repos);
  http = await startGitHttpProcess(repos, GIT_AUTH.password);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(
    `${APPS} apps × 20 objects in ${NAMESPACES} namespaces, interval ${INTERVAL}, window ${WINDOW_S} s; load ${load}`,
  );
  const results = {};
  for (const side of SIDES) {
    if (side === 'before' && !BEFORE_BIN) throw new Error('side "before" needs GITSEAL_BENCH_BEFORE_BIN');
    // A control plane of its own per side: a controller sees no other side's objects (gitseal watches all
    // namespaces), and each starts from an empty etcd.
    plane = await startControlPlane({});
    const kc = loadKubeConfig({ kubeconfig: plane.kubeconfigPath });
    results[side] =
      side === 'flux'
        ? await runFlux(kc, plane, dir, http.url)
        : await runGitseal(kc, plane, dir, http.url, side, side === 'before' ? BEFORE_BIN : CONTROLLER_BIN);
    await plane.stop();
    plane = undefined;
  }
  const ratiosOf = (side) => {
    if (!results[side] || !results.flux) return undefined;
    const ratio = (key) => Math.round((results[side][key] / results.flux[key]) * 100) / 100;
    const r = {
      peakRss: ratio('peakRssMiB'),
      settledRss: ratio('settledRssMiB'),
      peakPss: ratio('peakPssMiB'),
      settledPss: ratio('settledPssMiB'),
      cpuSeconds: ratio('cpuSeconds'),
      allReady: ratio('allReadyMs'),
    };
    console.log(
      `${side} ÷ Flux: RSS peak ${r.peakRss}, settled ${r.settledRss} (goal ≤ 0.7); PSS peak ${r.peakPss}, settled ${r.settledPss}; CPU ${r.cpuSeconds}; time to all Ready ${r.allReady}`,
    );
    return r;
  };
  const ratios = ratiosOf('gitseal');
  const ratiosBefore = ratiosOf('before');
  const endLoad = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(
    JSON.stringify({
      apps: APPS,
      objectsPerApp: 20,
      namespaces: NAMESPACES,
      interval: INTERVAL,
      load: [load, endLoad],
      ...results,
      ratios,
      ...(ratiosBefore ? { ratiosBefore } : {}),
    }),
  );
} finally {
  http?.stop();
  await plane?.stop();
  if (process.env.GITSEAL_BENCH_KEEP_LOG) console.error(`logs kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
