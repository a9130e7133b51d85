#!/usr/bin/env node
// All-or-nothing revisions and exact pruning on a real control plane, the engine in-process (syncRevision, as the
// controller calls it):
//   1. a revision of BENCH_ATOMIC_OBJECTS ConfigMaps (default 500) plus one invalid Deployment: objects written
//      (target 0) and time until the failure, against the time a valid revision of the same ConfigMaps takes to
//      apply in the same run (the anchor);
//   2. prune of 100 cluster-scoped custom resources (a Cluster-scoped CRD installed before the GitSync): time of the
//      sync that removes them from Git, and how many are left (target 0).
// API requests are the API server's own count (apiserver_request_total), a delta per phase.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { loadKubeConfig } from '@gitseal/kube';
import { createSyncState, syncRevision } from '@gitseal/sync';
import { startControlPlane } from '../dist/cluster/index.js';
import { describeRequests, engineInput, gitRepo, measured } from './_sync-support.mjs';

const COUNT = Number(process.env.BENCH_ATOMIC_OBJECTS ?? 500);
const CRS = 100;
const PER_FILE = 100;
const GROUP = 'bench.gitseal.dev';
const ms = (x) => Math.round(x);

const configMaps = (count) => {
  const files = {};
  for (let start = 0; start < count; start += PER_FILE) {
    const docs = [];
    for (let i = start; i < Math.min(count, start + PER_FILE); i++) {
      docs.push(
        JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { i: `${i}` } }),
      );
    }
    files[`app/cm-${start}.yaml`] = docs.join('\n---\n');
  }
  return files;
};

const invalidDeployment = JSON.stringify({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'zz-broken' },
  spec: {
    selector: { matchLabels: { app: 'x' } },
    template: { metadata: { labels: { app: 'x' } }, spec: { containers: [] } },
  },
});

const gateCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `gates.${GROUP}` },
  spec: {
    group: GROUP,
    scope: 'Cluster',
    names: { kind: 'Gate', plural: 'gates', singular: 'gate', listKind: 'GateList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};

const root = mkdtempSync(join(tmpdir(), 'gitseal-bench-atomic-'));
const plane = await startControlPlane({});
try {
  const kc = loadKubeConfig({ kubeconfig: plane.kubeconfigPath });
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const common = engineInput(kc, root);
  const { client } = common;
  const sync = (repo, namespace, inventory = [], state = createSyncState()) =>
    measured(kc, () =>
      syncRevision({
        ...common,
        gitSync: { metadata: { name: 'bench', namespace }, spec: { source: { url: repo.url, path: 'app' } } },
        inventory,
        state,
      }),
    );
  for (const namespace of ['bench-valid', 'bench-atomic', 'bench-platform']) {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  }

  // 1. All or nothing.
  const valid = gitRepo(mkdtempSync(join(root, 'valid-')));
  valid.commit(configMaps(COUNT));
  const anchor = await sync(valid, 'bench-valid');
  if (anchor.value.result !== 'Succeeded') throw new Error(`anchor failed: ${anchor.value.message}`);
  const broken = gitRepo(mkdtempSync(join(root, 'broken-')));
  broken.commit({ ...configMaps(COUNT), 'app/zz-broken.json': invalidDeployment });
  const refused = await sync(broken, 'bench-atomic');
  if (refused.value.result !== 'Failed') throw new Error('the revision with an invalid object was applied');
  const written = (await core.listNamespacedConfigMap({ namespace: 'bench-atomic', labelSelector: 'gitseal.dev/sync' }))
    .items.length;
  console.log(`all or nothing: ${COUNT} ConfigMaps + 1 invalid Deployment`);
  console.log(`  valid revision (anchor): ${ms(anchor.ms)} ms, ${describeRequests(anchor.requests)}`);
  console.log(
    `  invalid revision: failed (${refused.value.reason}) after ${ms(refused.ms)} ms, ${describeRequests(refused.requests)}`,
  );
  console.log(
    `  objects written by the invalid revision: ${written} (target 0); time to the failure ÷ anchor = ${(refused.ms / anchor.ms).toFixed(2)}`,
  );

  // 2. Prune of cluster-scoped custom resources.
  await client.create(gateCrd);
  for (;;) {
    const crd = await client.read({
      apiVersion: gateCrd.apiVersion,
      kind: gateCrd.kind,
      metadata: { name: gateCrd.metadata.name },
    });
    if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const gates = gitRepo(mkdtempSync(join(root, 'gates-')));
  const gateFiles = {};
  for (let i = 0; i < CRS; i++) {
    gateFiles[`app/gate-${i}.json`] = JSON.stringify({
      apiVersion: `${GROUP}/v1`,
      kind: 'Gate',
      metadata: { name: `g-${i}` },
    });
  }
  gates.commit({
    ...gateFiles,
    'app/keep.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep' } }),
  });
  const state = createSyncState();
  const applied = await sync(gates, 'bench-platform', [], state);
  if (applied.value.result !== 'Succeeded') throw new Error(`gates failed: ${applied.value.message}`);
  gates.commit(Object.fromEntries(Object.keys(gateFiles).map((path) => [path, null])));
  const pruned = await sync(gates, 'bench-platform', applied.value.inventory, state);
  const left = (await custom.listClusterCustomObject({ group: GROUP, version: 'v1', plural: 'gates' })).items.length;
  console.log(`prune of ${CRS} cluster-scoped custom resources`);
  console.log(
    `  applied: ${ms(applied.ms)} ms; removed from Git → sync: ${ms(pruned.ms)} ms, ${pruned.value.pruned} pruned, ${describeRequests(pruned.requests)}`,
  );
  console.log(`  left in the cluster: ${left} (target 0)`);

  console.log(
    JSON.stringify({
      atomic: {
        objects: COUNT,
        anchorMs: ms(anchor.ms),
        failureMs: ms(refused.ms),
        written,
        writes: refused.requests.writes,
      },
      clusterScopedPrune: { objects: CRS, pruneMs: ms(pruned.ms), pruned: pruned.value.pruned, left },
    }),
  );
} finally {
  await plane.stop();
  rmSync(root, { recursive: true, force: true });
}
