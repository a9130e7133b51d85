#!/usr/bin/env node
// Small commits over smart HTTP: the sync engine in-process (syncRevision, as the controller calls it) on a real
// control plane, a repository of N ConfigMaps (BENCH_OBJECTS, default 1,000; 100 per file) served by git's own
// `git http-backend` with basic auth (test/bench/_git-http-server.mjs, a process of its own).
// Two engines in the same run, each syncing into its own namespace:
//   before: @gitseal/sync as of BENCH_BASELINE_REV (default e8bed34, a fresh render child per revision), built
//           from `git archive` into node_modules/.cache (compiled against the current sibling packages);
//   after:  the current @gitseal/sync (a warm render worker, incremental fetch and checkout, render-input digest).
// Figures, each engine: first sync; no-op resync; one-file commit → applied (one ConfigMap changed in one file,
// BENCH_ROUNDS rounds, the engines alternating which goes first), and a commit outside the source folder (after:
// not rendered). Memory: the bench process's RSS and its engine children's (the render child or worker, git,
// kustomize), the peak sampled every 20 ms during an extra one-file commit, and the worker's RSS at rest.
// Concurrency: 4 GitSyncs of 4 repositories committed at once, synced concurrently, with 1 and 2 workers.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CoreV1Api } from '@kubernetes/client-node';
import { createKeyRing } from '@gitseal/crypto';
import { createApiDiscovery, loadKubeConfig, makeObjectApi, createRawApplier } from '@gitseal/kube';
import { createSyncState, defaultRenderPool, RenderPool, syncRevision } from '@gitseal/sync';
import { startControlPlane } from '../dist/cluster/index.js';
import { gitRepo, processMemory, startGitHttpProcess } from './_sync-support.mjs';

const COUNT = Number(process.env.BENCH_OBJECTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const BASELINE_REV = process.env.BENCH_BASELINE_REV ?? 'e8bed34';
const PER_FILE = 100;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ms = (x) => Math.round(x);
const mib = (bytes) => Math.round(bytes / 1024 / 1024);
/** The engine of this tree, as the baseline's module namespace offers it. */
const after = { createRawApplier, createSyncState, defaultRenderPool, RenderPool, syncRevision };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * @gitseal/sync as of `rev`, compiled once into node_modules/.cache with that revision's own packages and compiler
 * settings (its siblings as they were then: the current ones have moved on), third-party packages from the
 * repository's node_modules.
 */
async function baselineEngine(rev) {
  const dir = join(ROOT, 'node_modules', '.cache', 'gitseal-bench-baseline', rev);
  const pkg = join(dir, 'packages', 'sync');
  if (!existsSync(join(pkg, 'dist', 'index.js'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'node_modules', '@gitseal'), { recursive: true });
    const archive = execFileSync(
      'git',
      ['-C', ROOT, 'archive', rev, 'packages', 'tsconfig.base.json', 'test/vectors'],
      {
        maxBuffer: 256 * 1024 * 1024,
      },
    );
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    for (const name of readdirSync(join(dir, 'packages'))) {
      symlinkSync(join('..', '..', 'packages', name), join(dir, 'node_modules', '@gitseal', name));
    }
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'packages/sync'], {
      cwd: dir,
      stdio: 'inherit',
    });
  }
  return import(pathToFileURL(join(pkg, 'dist', 'index.js')).href);
}

/** Peak memory while `work` runs (sampled every 20 ms). */
async function peakMemory(excluded, work) {
  let peak = { self: 0, children: 0, total: 0 };
  const sample = () => {
    const m = processMemory(process.pid, excluded);
    if (m.self + m.children > peak.total) peak = { ...m, total: m.self + m.children };
  };
  const timer = setInterval(sample, 20);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  sample();
  return peak;
}

const configMap = (i, value) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: `cm-${i}` },
  data: { key: value, index: String(i) },
});
/** One file of PER_FILE ConfigMaps from `start`, the first of them holding `value`. */
const file = (start, value = 'v1') =>
  Array.from({ length: PER_FILE }, (_, k) => JSON.stringify(configMap(start + k, k === 0 ? value : 'v1'))).join(
    '\n---\n',
  );
const repository = (count) => {
  const files = { 'docs/readme.md': 'docs\n' };
  for (let i = 0; i < count; i += PER_FILE) files[`cms/${i}.yaml`] = file(i);
  return files;
};

const root = mkdtempSync(join(tmpdir(), 'gitseal-bench-commit-'));
const plane = await startControlPlane({});
let server;
try {
  const before = await baselineEngine(BASELINE_REV);
  const kc = loadKubeConfig({ kubeconfig: plane.kubeconfigPath });
  const core = kc.makeApiClient(CoreV1Api);
  const password = 'bench-password';
  const auth = { username: 'git', password };
  const repos = [0, 1, 2, 3, 4].map((i) => {
    mkdirSync(join(root, `r${i}`));
    return gitRepo(join(root, `r${i}`));
  });
  server = await startGitHttpProcess(root, password);
  const urlOf = (i) => `${server.url}/r${i}/remote.git`;
  const shared = { discovery: createApiDiscovery(kc), client: makeObjectApi(kc), keys: createKeyRing([]) };
  const engines = { before, after };
  const input = (engine, cacheDir, extra = {}) => ({
    ...shared,
    reader: shared.client,
    applier: engine.createRawApplier(kc, { discovery: shared.discovery }),
    preflightCache: new Set(),
    cacheDir,
    allowHttp: true,
    auth,
    timeoutMs: 600_000,
    ...extra,
  });
  const syncs = {};
  for (const [name, engine] of Object.entries(engines)) {
    mkdirSync(join(root, `cache-${name}`));
    await core.createNamespace({ body: { metadata: { name: `bench-${name}` } } });
    syncs[name] = {
      engine,
      base: input(engine, join(root, `cache-${name}`)),
      state: engine.createSyncState(),
      inventory: [],
      gitSync: {
        metadata: { name: 'bench', namespace: `bench-${name}` },
        spec: { source: { url: urlOf(0), path: 'cms' }, interval: '1h' },
      },
    };
  }
  /** One sync of an engine, timed; throws unless it succeeded with `applied` writes. */
  const sync = async (name, applied) => {
    const s = syncs[name];
    const t0 = performance.now();
    const result = await s.engine.syncRevision({
      ...s.base,
      gitSync: s.gitSync,
      inventory: s.inventory,
      state: s.state,
    });
    const elapsed = performance.now() - t0;
    if (result.result !== 'Succeeded') throw new Error(`${name}: ${result.reason}: ${result.message}`);
    if (applied !== undefined && result.applied !== applied) throw new Error(`${name}: applied ${result.applied}`);
    s.inventory = result.inventory;
    return { ms: elapsed, rendered: result.rendered };
  };
  const excluded = [server.pid];

  repos[0].commit(repository(COUNT));
  const first = {};
  const firstMs = {};
  for (const name of ['before', 'after']) {
    first[name] = await peakMemory(excluded, async () => (firstMs[name] = (await sync(name, COUNT)).ms));
  }
  const noop = { before: [], after: [] };
  for (let i = 0; i < 3; i++) for (const name of ['after', 'before']) noop[name].push((await sync(name, 0)).ms);

  const commit = { before: [], after: [] };
  for (let round = 0; round < ROUNDS; round++) {
    repos[0].commit({
      [`cms/${(round % (COUNT / PER_FILE)) * PER_FILE}.yaml`]: file(
        (round % (COUNT / PER_FILE)) * PER_FILE,
        `r${round}`,
      ),
    });
    const order = round % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
    for (const name of order) commit[name].push(await sync(name, 1));
  }
  const outside = { before: [], after: [] };
  for (let round = 0; round < 3; round++) {
    repos[0].commit({ 'docs/readme.md': `docs ${round}\n` });
    for (const name of round % 2 === 0 ? ['before', 'after'] : ['after', 'before'])
      outside[name].push(await sync(name, 0));
  }
  // Memory during one more one-file commit, then at rest.
  repos[0].commit({ 'cms/0.yaml': file(0, 'memory') });
  const peak = {};
  for (const name of ['before', 'after']) peak[name] = await peakMemory(excluded, () => sync(name, 1));
  const workers = after.defaultRenderPool().workers();
  const rest = processMemory(process.pid, excluded);

  // Concurrency: 4 GitSyncs of 4 repositories, each committed, then all synced at once; 1 vs 2 workers, the two
  // pools taking turns on the same commits (each with its own namespaces and cache).
  for (let i = 1; i <= 4; i++) repos[i].commit(repository(COUNT));
  const pools = {};
  for (const size of [1, 2]) {
    const pool = new after.RenderPool({ size });
    const cacheDir = join(root, `cache-pool-${size}`);
    mkdirSync(cacheDir);
    const group = [];
    for (let i = 1; i <= 4; i++) {
      const ns = `bench-pool-${size}-${i}`;
      await core.createNamespace({ body: { metadata: { name: ns } } });
      group.push({
        gitSync: {
          metadata: { name: 'bench', namespace: ns },
          spec: { source: { url: urlOf(i), path: 'cms' }, interval: '1h' },
        },
        state: after.createSyncState(),
        inventory: [],
      });
    }
    const base = input(after, cacheDir, { render: { pool } });
    const all = async (applied) => {
      const t0 = performance.now();
      await Promise.all(
        group.map(async (g) => {
          const result = await after.syncRevision({
            ...base,
            gitSync: g.gitSync,
            inventory: g.inventory,
            state: g.state,
          });
          if (result.result !== 'Succeeded' || result.applied !== applied) {
            throw new Error(`pool ${size}: ${result.message}`);
          }
          g.inventory = result.inventory;
        }),
      );
      return performance.now() - t0;
    };
    await all(COUNT);
    pools[size] = { pool, all, rounds: [] };
  }
  for (let round = 0; round < 5; round++) {
    for (let i = 1; i <= 4; i++) repos[i].commit({ 'cms/0.yaml': file(0, `concurrent-${round}`) });
    for (const size of round % 2 === 0 ? [1, 2] : [2, 1]) pools[size].rounds.push(await pools[size].all(1));
  }
  const concurrent = {};
  for (const size of [1, 2]) {
    const { pool, rounds } = pools[size];
    concurrent[size] = { ms: median(rounds), all: rounds.map(ms), workers: pool.workers().length };
    await pool.close();
  }

  const summary = (name) => ({
    firstSyncMs: ms(firstMs[name]),
    noopResyncMs: ms(median(noop[name])),
    oneFileCommitMs: ms(median(commit[name].map((c) => c.ms))),
    oneFileCommitAllMs: commit[name].map((c) => ms(c.ms)),
    outsideCommitMs: ms(median(outside[name].map((c) => c.ms))),
    outsideCommitRendered: outside[name].every((c) => c.rendered),
    firstSyncPeakRssMiB: { self: mib(first[name].self), children: mib(first[name].children) },
    commitPeakRssMiB: { self: mib(peak[name].self), children: mib(peak[name].children) },
  });
  const results = {
    objects: COUNT,
    transport: 'smart HTTP (git http-backend), basic auth',
    baseline: BASELINE_REV,
    before: summary('before'),
    after: summary('after'),
    ratio: Number((median(commit.after.map((c) => c.ms)) / median(commit.before.map((c) => c.ms))).toFixed(2)),
    atRestMiB: { bench: mib(rest.self), children: mib(rest.children), workers: workers.map((w) => mib(w.rssBytes)) },
    concurrent4: { oneWorkerMs: ms(concurrent[1].ms), twoWorkersMs: ms(concurrent[2].ms), runs: concurrent },
  };
  for (const name of ['before', 'after']) {
    const s = results[name];
    console.log(`${name} (${name === 'before' ? `@gitseal/sync ${BASELINE_REV}` : 'this tree'}):`);
    console.log(
      `  first sync: ${s.firstSyncMs} ms; peak RSS ${s.firstSyncPeakRssMiB.self} MiB + children ${s.firstSyncPeakRssMiB.children} MiB`,
    );
    console.log(`  no-op resync: ${s.noopResyncMs} ms (median of 3)`);
    console.log(
      `  one-file commit → applied: ${s.oneFileCommitMs} ms (median of ${ROUNDS}: ${s.oneFileCommitAllMs.join(', ')})`,
    );
    console.log(`  commit outside the source folder: ${s.outsideCommitMs} ms (rendered: ${s.outsideCommitRendered})`);
    console.log(
      `  peak RSS during a one-file commit: ${s.commitPeakRssMiB.self} MiB + children ${s.commitPeakRssMiB.children} MiB`,
    );
  }
  console.log(`one-file commit, after ÷ before: ${results.ratio}`);
  console.log(
    `at rest: bench ${results.atRestMiB.bench} MiB, children ${results.atRestMiB.children} MiB (workers ${results.atRestMiB.workers.join(', ')} MiB)`,
  );
  console.log(
    `4 GitSyncs committed at once: 1 worker ${results.concurrent4.oneWorkerMs} ms, 2 workers ${results.concurrent4.twoWorkersMs} ms (medians of 5, taking turns)`,
  );
  console.log(JSON.stringify(results));
} finally {
  server?.stop();
  await after.defaultRenderPool().close();
  await plane.stop();
  rmSync(root, { recursive: true, force: true });
}
