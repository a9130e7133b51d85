#!/usr/bin/env node
// Sync waves and hooks on a real control plane, the engine in-process (syncRevision, as the controller calls it):
// a revision of 3 waves × BENCH_WAVE_OBJECTS ConfigMaps (default 50) with a PreSync hook Job (generateName) and a
// PostSync hook ConfigMap, against the same ConfigMaps with no annotations (one wave, no hooks), each into an empty
// namespace. The API-only control plane runs no Job controller: this script plays it, completing each hook Job as
// soon as its watch sees it (SuccessCriteriaMet + Complete through the status subresource), so the figures hold the
// engine's own waits (hook polling, health reads between waves) and not a real pod's run time.
// Printed: "hooks + 3 waves end to end time" (first sync), the plain sync of the same objects, a new revision
// (BeforeHookCreation deletes the earlier Job, a new one runs), and a no-op resync (target 0 writes, 0 hooks).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BatchV1Api, CoreV1Api, Watch } from '@kubernetes/client-node';
import { assertOk, loadKubeConfig, requestRaw } from '@gitseal/kube';
import { createSyncState, syncRevision } from '@gitseal/sync';
import { startControlPlane } from '../dist/cluster/index.js';
import { engineInput, gitRepo } from './_sync-support.mjs';

const PER_WAVE = Number(process.env.BENCH_WAVE_OBJECTS ?? 50);
const ms = (x) => Math.round(x);

const configMap = (name, annotations, value = 'v1') => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(annotations ? { annotations } : {}) },
  data: { key: value },
});
const waveFile = (wave, annotated, value) =>
  Array.from({ length: PER_WAVE }, (_, i) =>
    JSON.stringify(
      configMap(
        `w${wave}-${i}`,
        annotated ? { 'gitseal.dev/sync-wave': String(wave) } : undefined,
        i === 0 ? value : 'v1',
      ),
    ),
  ).join('\n---\n');
const hookJob = (arg) =>
  JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { generateName: 'migrate-', annotations: { 'argocd.argoproj.io/hook': 'PreSync' } },
    spec: {
      backoffLimit: 0,
      template: {
        spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'registry.invalid/m:1', args: [arg] }] },
      },
    },
  });
const postSync = JSON.stringify({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { generateName: 'deployed-', annotations: { 'gitseal.dev/hook': 'PostSync' } },
  data: { done: 'true' },
});

/** Plays the Job controller: completes every Job of `namespace` as soon as it is created. */
async function jobCompleter(kc, namespace) {
  const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const complete = async (name) => {
    const t = now();
    const condition = (type) => ({
      type,
      status: 'True',
      reason: 'CompletionsReached',
      lastProbeTime: t,
      lastTransitionTime: t,
    });
    const path = `/apis/batch/v1/namespaces/${namespace}/jobs/${name}/status`;
    const response = await requestRaw(kc, {
      method: 'PATCH',
      path,
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({
        status: {
          startTime: t,
          completionTime: t,
          succeeded: 1,
          conditions: [condition('SuccessCriteriaMet'), condition('Complete')],
        },
      }),
      what: `complete ${path}`,
    });
    assertOk(response, path);
  };
  const done = new Set();
  const abort = await new Watch(kc).watch(
    `/apis/batch/v1/namespaces/${namespace}/jobs`,
    {},
    (phase, job) => {
      const name = job.metadata?.name;
      if (phase !== 'ADDED' || done.has(name)) return;
      done.add(name);
      complete(name).catch((error) => console.error(`completing Job ${name}: ${error.message}`));
    },
    () => undefined,
  );
  return { stop: () => abort.abort(), completed: () => done.size };
}

const root = mkdtempSync(join(tmpdir(), 'gitseal-bench-hooks-'));
const plane = await startControlPlane({});
const completers = [];
try {
  const kc = loadKubeConfig({ kubeconfig: plane.kubeconfigPath });
  const core = kc.makeApiClient(CoreV1Api);
  const [plainNs, hooksNs] = ['bench-plain', 'bench-hooks'];
  for (const name of [plainNs, hooksNs]) await core.createNamespace({ body: { metadata: { name } } });
  completers.push(await jobCompleter(kc, hooksNs));

  const plainRepo = gitRepo(mkdtempSync(join(root, 'plain-')));
  plainRepo.commit({ 'w0.yaml': waveFile(-1, false), 'w1.yaml': waveFile(0, false), 'w2.yaml': waveFile(1, false) });
  const hooksRepo = gitRepo(mkdtempSync(join(root, 'hooks-')));
  hooksRepo.commit({
    'w0.yaml': waveFile(-1, true),
    'w1.yaml': waveFile(0, true),
    'w2.yaml': waveFile(1, true),
    'hooks/migrate.yaml': hookJob('one'),
    'hooks/done.yaml': postSync,
  });

  const common = engineInput(kc, root);
  const sync = async (repo, namespace, previous, state) => {
    const gitSync = { metadata: { name: 'bench', namespace }, spec: { source: { url: repo.url }, interval: '1h' } };
    const t0 = performance.now();
    const result = await syncRevision({
      ...common,
      gitSync,
      inventory: previous?.inventory ?? [],
      ...(previous?.result === 'Succeeded' ? { lastSyncedDigest: previous.digest } : {}),
      state,
    });
    const elapsed = performance.now() - t0;
    if (result.result !== 'Succeeded') throw new Error(`sync failed: ${result.reason}: ${result.message}`);
    return { ms: elapsed, result };
  };

  const plain = await sync(plainRepo, plainNs, undefined, createSyncState());
  const state = createSyncState();
  const first = await sync(hooksRepo, hooksNs, undefined, state);
  hooksRepo.commit({ 'w2.yaml': waveFile(1, true, 'v2'), 'hooks/migrate.yaml': hookJob('two') });
  const second = await sync(hooksRepo, hooksNs, first.result, state);
  const noop = await sync(hooksRepo, hooksNs, second.result, state);
  const jobs = (await kc.makeApiClient(BatchV1Api).listNamespacedJob({ namespace: hooksNs })).items.length;

  const objects = 3 * PER_WAVE;
  console.log(`objects: ${objects} ConfigMaps in 3 waves, a PreSync Job and a PostSync ConfigMap`);
  console.log(
    `  hooks + 3 waves end to end time (first sync): ${ms(first.ms)} ms, ${first.result.applied} objects written, ${first.result.hooks} hooks`,
  );
  console.log(
    `  the same objects, no waves or hooks (first sync): ${ms(plain.ms)} ms, ${plain.result.applied} objects written`,
  );
  console.log(
    `  new revision (1 object changed, hooks re-created, BeforeHookCreation): ${ms(second.ms)} ms, ${second.result.applied} written, ${second.result.hooks} hooks`,
  );
  console.log(`  no-op resync: ${ms(noop.ms)} ms, ${noop.result.applied} written, ${noop.result.hooks} hooks`);
  console.log(`  hook Jobs left in the namespace: ${jobs} (the earlier one was deleted before the new one ran)`);
  console.log(
    JSON.stringify({
      objects,
      hooksWavesFirstSyncMs: ms(first.ms),
      plainFirstSyncMs: ms(plain.ms),
      overheadMs: ms(first.ms - plain.ms),
      newRevisionMs: ms(second.ms),
      newRevisionWrites: second.result.applied,
      newRevisionHooks: second.result.hooks,
      noopResyncMs: ms(noop.ms),
      noopResyncWrites: noop.result.applied,
      noopResyncHooks: noop.result.hooks,
      hookJobsLeft: jobs,
    }),
  );
} finally {
  for (const completer of completers) completer.stop();
  await plane.stop();
  rmSync(root, { recursive: true, force: true });
}
