// The dashboard and the alert rules against a real gitseal-controller: the controller runs as a process against the
// real kube-apiserver, syncs a GitSync from a real Git repository (a ConfigMap and a SealedSecret it unseals), heals
// a drift, fails another GitSync; then every metric name in the dashboard's queries and the rules' exprs must be in
// its /metrics, and the new per-GitSync series must say what happened (and go when their GitSync goes).
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { CustomObjectsApi, type CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { startLoopbackReceiver } from '../support/loopback-receiver.js';
import { assertNoMarkers, marker } from './cli-harness.js';
import { metricValue, scrape, sealItems, waitFor, type ControllerProcess } from './controller-harness.js';
import { alertRules, dashboardQueries } from './monitoring-files.js';
import { histogramFamily, promqlMetricNames } from './promql-metric-names.js';
import { configMapJson, createSyncNamespace, GitSyncs, orAbsent, readyAt, syncSuite } from './sync-harness.js';

const suite = syncSuite('monitoring-metrics.log', ['--notification-allow-http']);
const { markers, newRepo } = suite;
let kc: KubeConfig;
let core: CoreV1Api;
let syncs: GitSyncs;
let controller: ControllerProcess;
let certPem = '';
const password = marker('monitoring-password');
markers.push(password);

async function ready(t: TestContext): Promise<boolean> {
  const sync = await suite.ready(t);
  if (!sync) return false;
  ({ kc, core, syncs, controller, certPem } = sync);
  return true;
}

/** The sample names a /metrics text holds (only series with a sample: an unused labelled metric has none). */
function sampleNames(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] ?? ''),
  );
}

/** `name` is exported: a sample of that name, or (for a histogram family used bare) its _bucket samples. */
function exported(names: Set<string>, name: string): boolean {
  return names.has(name) || (histogramFamily(name) === undefined && names.has(`${name}_bucket`));
}

const gitSyncLabels = (namespace: string, name: string) => `{namespace="${namespace}",name="${name}"}`;

let ns = '';

test('a synced, unsealed, drifted and a failing GitSync show in the new metrics', async (t) => {
  if (!(await ready(t))) return;
  ns = await createSyncNamespace(kc, 'monitoring');
  // A webhook receiver hears the GitSyncs: gitseal_notifications_total gets its series.
  const receiver = await startLoopbackReceiver();
  t.after(() => receiver.close());
  const custom = kc.makeApiClient(CustomObjectsApi);
  const resource = (plural: string, kind: string, spec: unknown) =>
    custom.createNamespacedCustomObject({
      group: 'gitseal.dev',
      version: 'v1alpha1',
      namespace: ns,
      plural,
      body: { apiVersion: 'gitseal.dev/v1alpha1', kind, metadata: { name: 'hook' }, spec },
    });
  await resource('notificationproviders', 'NotificationProvider', { type: 'webhook', address: receiver.url });
  await resource('notificationalerts', 'NotificationAlert', {
    providerRef: { name: 'hook' },
    eventSources: [{ kind: 'GitSync' }],
  });
  const repo = newRepo();
  const commit = repo.commit({
    'settings.yaml': configMapJson('settings', { mode: 'one' }),
    'db.yaml': JSON.stringify({
      apiVersion: 'gitseal.dev/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'db' },
      spec: { encryptedData: sealItems(certPem, 'strict', ns, 'db', { password }), template: {} },
    }),
  });
  await syncs.create(ns, 'app', { source: { url: repo.url, ref: { branch: 'main' } }, interval: '1h' });
  await syncs.waitFor(ns, 'app', 'Ready', readyAt(commit));
  await waitFor('Secret db unsealed', async () => {
    const secret = await orAbsent(core.readNamespacedSecret({ namespace: ns, name: 'db' }));
    return secret?.data?.['password'] ? true : undefined;
  });

  // Another writer changes the applied ConfigMap (a plain update, as kubectl edit does): self-heal puts it back.
  const live = await core.readNamespacedConfigMap({ namespace: ns, name: 'settings' });
  live.data = { mode: 'edited by hand' };
  await core.replaceNamespacedConfigMap({ namespace: ns, name: 'settings', body: live });
  await waitFor('drift healed', async () => {
    const cm = await core.readNamespacedConfigMap({ namespace: ns, name: 'settings' });
    return cm.data?.['mode'] === 'one' ? true : undefined;
  });
  await waitFor('the drift correction counted', async () => {
    const n = await metricValue(controller, 'gitseal_drift_corrections_total', gitSyncLabels(ns, 'app'));
    return n >= 1 ? n : undefined;
  });

  // A GitSync whose branch does not exist fails every sync.
  await syncs.create(ns, 'broken', { source: { url: repo.url, ref: { branch: 'no-such-branch' } }, interval: '1h' });
  await waitFor('the failing GitSync counted', async () => {
    const n = await metricValue(controller, 'gitseal_gitsync_consecutive_failures', gitSyncLabels(ns, 'broken'));
    return n >= 1 ? n : undefined;
  });

  assert.equal(await metricValue(controller, 'gitseal_gitsync_ready', gitSyncLabels(ns, 'app')), 1);
  assert.equal(await metricValue(controller, 'gitseal_gitsync_consecutive_failures', gitSyncLabels(ns, 'app')), 0);
  const text = await scrape(controller);
  assert.match(text, new RegExp(`^gitseal_gitsync_ready\\{namespace="${ns}",name="broken"\\} 0$`, 'm'));
  assert.match(text, /^gitseal_sync_results_total\{result="Succeeded",reason="None"\} [1-9]/m);
  assert.match(text, /^gitseal_sync_results_total\{result="Failed",reason="GitFetchFailed"\} [1-9]/m);
  assert.match(text, /^gitseal_rsa_pool_workers [1-9]/m);
  assert.match(text, /^gitseal_rsa_pool_busy_workers \d/m);
  assert.match(text, /^gitseal_rsa_pool_queued_tasks\{priority="api"\} \d/m);
  assert.match(text, /^gitseal_key_renew_period_seconds 2592000$/m, 'the default --key-renew-period, 30 days');
  await waitFor('a notification counted', async () =>
    new RegExp(`^gitseal_notifications_total\\{provider="${ns}/hook",type="webhook",outcome="sent"\\} [1-9]`, 'm').test(
      await scrape(controller),
    ),
  );
  assert.ok(receiver.requests.length >= 1);
  assertNoMarkers(text, markers, '/metrics');
});

test('every metric the dashboard and the alert rules query is exported by the running controller', async (t) => {
  if (!(await ready(t)) || !ns) return;
  const names = sampleNames(await scrape(controller));
  const queries = [
    ...dashboardQueries().map((q) => ({ where: `dashboard panel "${q.panel}"`, expr: q.expr })),
    ...alertRules().map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
  ];
  assert.ok(queries.length > 20, `${queries.length} queries`);
  const used = new Set<string>();
  const missing: string[] = [];
  for (const { where, expr } of queries) {
    const inQuery = promqlMetricNames(expr);
    assert.ok(inQuery.length > 0, `${where}: no metric in ${expr}`);
    for (const name of inQuery) {
      used.add(name);
      if (!exported(names, name)) missing.push(`${where}: ${name}`);
    }
  }
  assert.deepEqual(missing, [], 'metrics queried but not exported');
  // The check sees what it should: histogram series, and the new metrics alerts rely on.
  for (const name of [
    'gitseal_reconcile_duration_seconds_bucket',
    'gitseal_gitsync_ready',
    'gitseal_gitsync_consecutive_failures',
    'gitseal_drift_corrections_total',
    'gitseal_rsa_pool_queued_tasks',
    'gitseal_key_renew_period_seconds',
    'gitseal_unseal_results_total',
  ]) {
    assert.ok(used.has(name), `${name} is queried`);
  }
  assert.ok(!exported(names, 'gitseal_no_such_metric'), 'the check can fail');
});

test('a deleted GitSync takes its per-GitSync series with it', async (t) => {
  if (!(await ready(t)) || !ns) return;
  await syncs.delete(ns, 'broken');
  await waitFor('broken gone from /metrics', async () => {
    const text = await scrape(controller);
    return text.includes(`namespace="${ns}",name="broken"`) ? undefined : true;
  });
  const text = await scrape(controller);
  assert.match(text, new RegExp(`^gitseal_gitsync_ready\\{namespace="${ns}",name="app"\\} 1$`, 'm'));
});
