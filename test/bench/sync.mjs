#!/usr/bin/env node
// The sync engine on a real control plane: a repository of N ConfigMaps (default 1,000).
//   first sync wall time; no-op resync time and writes (target 0), also with a fresh engine state (restart);
//   a one-object commit → applied (direct sync call, no webhook); applied objects/s vs a plain loop of the same
//   server-side apply requests measured in the same run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createKeyRing } from '@gitseal/crypto';
import { makeObjectApi } from '@gitseal/kube';
import { createRawApplier, createSyncState, syncRevision } from '@gitseal/sync';
import { startControlPlane } from '../dist/cluster/index.js';

const COUNT = Number(process.env.BENCH_OBJECTS ?? 1000);
const PER_FILE = 100;

function gitRepo(root) {
  const env = {
    PATH: process.env.PATH,
    HOME: root,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'b',
    GIT_AUTHOR_EMAIL: 'b@x',
    GIT_COMMITTER_NAME: 'b',
    GIT_COMMITTER_EMAIL: 'b@x',
  };
  const bare = join(root, 'remote.git');
  const work = join(root, 'work');
  const git = (cwd, ...args) => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
  git(root, 'init', '-q', '--bare', '--initial-branch=main', bare);
  git(root, 'init', '-q', '--initial-branch=main', work);
  return {
    url: `file://${bare}`,
    commit(files) {
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(join(work, path, '..'), { recursive: true });
        writeFileSync(join(work, path), content);
      }
      git(work, 'add', '-A');
      git(work, 'commit', '-q', '-m', 'c');
      git(work, 'push', '-q', '-f', bare, 'main');
    },
  };
}

const configMap = (i, value = 'v1') => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: `cm-${i}` },
  data: { key: value, index: String(i) },
});
const file = (start, changed = -1) =>
  Array.from({ length: PER_FILE }, (_, k) =>
    JSON.stringify(configMap(start + k, start + k === changed ? 'v2' : 'v1')),
  ).join('\n---\n');

const root = mkdtempSync(join(tmpdir(), 'gitseal-bench-sync-'));
const plane = await startControlPlane({});
try {
  const kc = new KubeConfig();
  kc.loadFromFile(plane.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const ns = 'bench-sync';
  const plainNs = 'bench-plain';
  for (const name of [ns, plainNs]) await core.createNamespace({ body: { metadata: { name } } });
  const repo = gitRepo(root);
  const files = {};
  for (let i = 0; i < COUNT; i += PER_FILE) files[`cms/${i}.yaml`] = file(i);
  repo.commit(files);

  let writes = 0;
  const base = createRawApplier(kc);
  const applier = { apply: (o) => ((writes += 1), base.apply(o)) };
  const client = makeObjectApi(kc);
  const gitSync = { metadata: { name: 'bench', namespace: ns }, spec: { source: { url: repo.url }, interval: '1h' } };
  const common = {
    applier,
    client,
    reader: client,
    keys: createKeyRing([]),
    preflightCache: new Set(),
    cacheDir: join(root, 'cache'),
    allowFile: true,
    timeoutMs: 600_000,
  };
  let state = createSyncState();
  const sync = async (inventory) => {
    writes = 0;
    const t0 = performance.now();
    const result = await syncRevision({ ...common, gitSync, inventory, state });
    if (result.result !== 'Succeeded') throw new Error(`sync failed: ${result.reason}: ${result.message}`);
    return { ms: performance.now() - t0, writes, result };
  };

  const first = await sync([]);
  const noop = await sync(first.result.inventory);
  state = createSyncState();
  const restart = await sync(first.result.inventory);
  repo.commit({ 'cms/0.yaml': file(0, 7) });
  const t0 = performance.now();
  const oneChange = await sync(first.result.inventory);
  const commitToApplied = performance.now() - t0;

  const plainStart = performance.now();
  for (let i = 0; i < COUNT; i++) {
    const o = configMap(i);
    await base.apply({ ...o, metadata: { ...o.metadata, namespace: plainNs } });
  }
  const plainMs = performance.now() - plainStart;

  const engineRate = COUNT / (first.ms / 1000);
  const plainRate = COUNT / (plainMs / 1000);
  console.log(`objects: ${COUNT}`);
  console.log(`first sync: ${first.ms.toFixed(0)} ms, ${first.writes} writes (${engineRate.toFixed(0)} objects/s)`);
  console.log(
    `no-op resync: ${noop.ms.toFixed(0)} ms, ${noop.writes} writes (render reused: ${!noop.result.rendered})`,
  );
  console.log(
    `no-op resync after a restart (fresh state, re-render): ${restart.ms.toFixed(0)} ms, ${restart.writes} writes`,
  );
  console.log(
    `one-object commit → applied (direct sync call): ${commitToApplied.toFixed(0)} ms, ${oneChange.writes} writes`,
  );
  console.log(
    `plain SSA loop: ${plainMs.toFixed(0)} ms (${plainRate.toFixed(0)} objects/s); engine/plain = ${(engineRate / plainRate).toFixed(2)}`,
  );
  console.log(
    JSON.stringify({
      objects: COUNT,
      firstSyncMs: Math.round(first.ms),
      firstSyncWrites: first.writes,
      noopResyncMs: Math.round(noop.ms),
      noopResyncWrites: noop.writes,
      restartResyncMs: Math.round(restart.ms),
      restartResyncWrites: restart.writes,
      oneChangeMs: Math.round(commitToApplied),
      oneChangeWrites: oneChange.writes,
      engineObjectsPerSecond: Math.round(engineRate),
      plainObjectsPerSecond: Math.round(plainRate),
      ratio: Number((engineRate / plainRate).toFixed(2)),
    }),
  );
} finally {
  await plane.stop();
  rmSync(root, { recursive: true, force: true });
}
