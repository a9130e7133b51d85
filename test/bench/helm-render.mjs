#!/usr/bin/env node
// Helm charts in the sync engine on a real control plane: a chart folder in Git rendering N ConfigMaps
// (BENCH_HELM_OBJECTS, default 100) against the same N ConfigMaps as plain YAML in the same repository.
//   - first sync (render + preflight + dry run + apply) of the chart ÷ the same of the plain YAML, each into an
//     empty namespace with a fresh engine state, in A-B-B-A order (chart, plain, plain, chart) so warm-up and a
//     changing machine load favour neither side;
//   - no-op resync of the chart GitSync with the engine's state (target 0 writes; the render is reused) and with a
//     fresh state (helm template runs again, still 0 writes), beside the plain YAML's fresh-state resync;
//   - the same chart from a Helm repository (helm package + helm repo index, served over HTTP on loopback): its
//     first sync, and its no-op resyncs (target: 0 writes and no chart download, only index.yaml read).
// helm is the tests' (test/cluster/helm-binary.ts: HELM_BIN, or built once into ~/.cache/gitseal/helm), first on PATH
// as in the image. API requests are the kube-apiserver's own count (see _sync-support.mjs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { createClusterCapabilities, loadKubeConfig } from '@gitseal/kube';
import { createSyncState, syncRevision } from '@gitseal/sync';
import { startControlPlane } from '../dist/cluster/index.js';
import { resolveHelmBinary } from '../dist/cluster/helm-binary.js';
import { indexRepository, packageChart, startChartRepository } from '../dist/support/index.js';
import { describeRequests, engineInput, gitRepo, measured } from './_sync-support.mjs';

const COUNT = Number(process.env.BENCH_HELM_OBJECTS ?? 100);
const ms = (x) => Math.round(x);
const figures = (r) => ({ requests: r.total, writes: r.writes, reads: r.reads, dryRuns: r.dryRuns });

const CHART_TEMPLATE = `{{- range $i := until (int .Values.count) }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-{{ $i }}
  labels:
    app.kubernetes.io/instance: {{ $.Release.Name }}
data:
  key: {{ $.Values.value | quote }}
  index: "{{ $i }}"
{{- end }}
`;
/** What the chart renders for release `bench`, as plain YAML. */
const plainYaml = (count) =>
  Array.from(
    { length: count },
    (_, i) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  labels:\n    app.kubernetes.io/instance: bench\n` +
      `data:\n  key: "v1"\n  index: "${i}"\n`,
  ).join('---\n');

process.env.PATH = `${dirname(await resolveHelmBinary())}:${process.env.PATH ?? ''}`;
const root = mkdtempSync(join(tmpdir(), 'gitseal-bench-helm-'));
const plane = await startControlPlane({});
try {
  const kc = loadKubeConfig({ kubeconfig: plane.kubeconfigPath });
  const core = kc.makeApiClient(CoreV1Api);
  const namespaces = ['bench-chart-1', 'bench-plain-1', 'bench-plain-2', 'bench-chart-2'];
  for (const name of namespaces) await core.createNamespace({ body: { metadata: { name } } });
  const repo = gitRepo(root);
  repo.commit({
    'chart/Chart.yaml': 'apiVersion: v2\nname: configmaps\nversion: 1.0.0\n',
    'chart/values.yaml': `count: ${COUNT}\nvalue: v1\n`,
    'chart/templates/configmaps.yaml': CHART_TEMPLATE,
    'plain/configmaps.yaml': plainYaml(COUNT),
  });
  const input = { ...engineInput(kc, root), capabilities: createClusterCapabilities(kc) };
  const gitSyncOf = (kind, namespace) => ({
    metadata: { name: 'bench', namespace },
    spec: {
      source: { url: repo.url, path: kind },
      interval: '1h',
      ...(kind === 'chart' ? { helm: { releaseName: 'bench' } } : {}),
    },
  });
  const sync = (kind, namespace, inventory, state) =>
    measured(kc, async () => {
      const result = await syncRevision({ ...input, gitSync: gitSyncOf(kind, namespace), inventory, state });
      if (result.result !== 'Succeeded') throw new Error(`${kind} sync failed: ${result.reason}: ${result.message}`);
      return result;
    });

  const chartState = createSyncState();
  const chart1 = await sync('chart', namespaces[0], [], chartState);
  const plain1 = await sync('plain', namespaces[1], [], createSyncState());
  const plain2 = await sync('plain', namespaces[2], [], createSyncState());
  const chart2 = await sync('chart', namespaces[3], [], createSyncState());
  for (const [name, run] of [
    ['chart', chart1],
    ['plain', plain1],
  ]) {
    const writes = run.requests.writes;
    if (writes < COUNT) throw new Error(`the ${name} sync wrote ${writes} times for ${COUNT} objects`);
  }
  const chartMs = (chart1.ms + chart2.ms) / 2;
  const plainMs = (plain1.ms + plain2.ms) / 2;

  const noop = await sync('chart', namespaces[0], chart1.value.inventory, chartState);
  const chartRerender = await sync('chart', namespaces[0], chart1.value.inventory, createSyncState());
  const plainRerender = await sync('plain', namespaces[1], plain1.value.inventory, createSyncState());
  if (noop.requests.writes !== 0) throw new Error(`the chart's no-op resync wrote ${noop.requests.writes} times`);

  // The same chart from a Helm repository.
  const chartRepoDir = join(root, 'chart-repo');
  await packageChart(join(repo.work, 'chart'), chartRepoDir);
  await indexRepository(chartRepoDir);
  const chartRepo = await startChartRepository({ dir: chartRepoDir, tls: false });
  let fromRepo;
  try {
    await core.createNamespace({ body: { metadata: { name: 'bench-repo' } } });
    const repoSync = {
      metadata: { name: 'bench', namespace: 'bench-repo' },
      spec: {
        source: { url: chartRepo.url, chart: { name: 'configmaps' } },
        interval: '1h',
        helm: { releaseName: 'bench' },
      },
    };
    const repoInput = { ...input, allowHttp: true };
    const runRepo = (inventory, state) =>
      measured(kc, async () => {
        const result = await syncRevision({ ...repoInput, gitSync: repoSync, inventory, state });
        if (result.result !== 'Succeeded')
          throw new Error(`repo chart sync failed: ${result.reason}: ${result.message}`);
        return result;
      });
    const downloads = () => chartRepo.requests.filter((r) => r.path.endsWith('.tgz')).length;
    const repoState = createSyncState();
    const first = await runRepo([], repoState);
    const afterFirst = downloads();
    const indexReads = chartRepo.requests.length;
    const noopRepo = await runRepo(first.value.inventory, repoState);
    const freshRepo = await runRepo(first.value.inventory, createSyncState());
    fromRepo = {
      firstSyncMs: ms(first.ms),
      downloadsFirst: afterFirst,
      noopResyncMs: ms(noopRepo.ms),
      noopWrites: noopRepo.requests.writes,
      freshStateResyncMs: ms(freshRepo.ms),
      freshStateWrites: freshRepo.requests.writes,
      downloadsOnResyncs: downloads() - afterFirst,
      repositoryRequestsPerResync: (chartRepo.requests.length - indexReads) / 2,
    };
  } finally {
    await chartRepo.stop();
  }
  if (fromRepo.noopWrites !== 0 || fromRepo.downloadsOnResyncs !== 0) {
    throw new Error(
      `the repository chart's resyncs wrote ${fromRepo.noopWrites} times, downloaded ${fromRepo.downloadsOnResyncs}`,
    );
  }

  console.log(`objects: ${COUNT} ConfigMaps, as a chart (helm template) and as plain YAML`);
  console.log(`  chart first sync: ${ms(chart1.ms)} ms, ${ms(chart2.ms)} ms; ${describeRequests(chart1.requests)}`);
  console.log(`  plain first sync: ${ms(plain1.ms)} ms, ${ms(plain2.ms)} ms; ${describeRequests(plain1.requests)}`);
  console.log(`  chart ÷ plain (render + apply, mean of 2): ${(chartMs / plainMs).toFixed(2)}`);
  console.log(
    `  chart no-op resync: ${ms(noop.ms)} ms, ${describeRequests(noop.requests)} (render reused: ${!noop.value.rendered})`,
  );
  console.log(
    `  chart no-op resync, fresh state (helm template again): ${ms(chartRerender.ms)} ms, ${describeRequests(chartRerender.requests)}`,
  );
  console.log(
    `  plain no-op resync, fresh state (re-read): ${ms(plainRerender.ms)} ms, ${describeRequests(plainRerender.requests)}`,
  );
  console.log(
    `  chart from a Helm repository: first sync ${fromRepo.firstSyncMs} ms (${fromRepo.downloadsFirst} download); ` +
      `no-op resync ${fromRepo.noopResyncMs} ms, ${fromRepo.noopWrites} writes; with a fresh state ` +
      `${fromRepo.freshStateResyncMs} ms, ${fromRepo.freshStateWrites} writes; chart downloads on resyncs: ` +
      `${fromRepo.downloadsOnResyncs}; repository requests per resync: ${fromRepo.repositoryRequestsPerResync} (index.yaml)`,
  );
  console.log(
    JSON.stringify({
      objects: COUNT,
      chartFirstSyncMs: [ms(chart1.ms), ms(chart2.ms)],
      plainFirstSyncMs: [ms(plain1.ms), ms(plain2.ms)],
      chartOverPlain: Number((chartMs / plainMs).toFixed(2)),
      chartFirstSync: figures(chart1.requests),
      plainFirstSync: figures(plain1.requests),
      chartNoopResyncMs: ms(noop.ms),
      chartNoopResync: { ...figures(noop.requests), renderReused: !noop.value.rendered },
      chartFreshStateResyncMs: ms(chartRerender.ms),
      chartFreshStateResync: figures(chartRerender.requests),
      plainFreshStateResyncMs: ms(plainRerender.ms),
      plainFreshStateResync: figures(plainRerender.requests),
      fromRepository: fromRepo,
    }),
  );
} finally {
  await plane.stop();
  rmSync(root, { recursive: true, force: true });
}
