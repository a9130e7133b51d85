import assert from 'node:assert/strict';
import test from 'node:test';
import { createMetrics, type GitSyncHealth } from './metrics.js';

/** The sample lines of one metric in the text exposition format. */
async function samples(metrics: ReturnType<typeof createMetrics>, name: string): Promise<string[]> {
  const text = await metrics.registry.metrics();
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

test('gitseal_gitsync_ready and _consecutive_failures follow the GitSyncs at each scrape, gone with a GitSync', async () => {
  const metrics = createMetrics();
  let gitSyncs: GitSyncHealth[] = [
    { namespace: 'team-a', name: 'app', ready: true, consecutiveFailures: 0 },
    { namespace: 'team-b', name: 'web', ready: false, consecutiveFailures: 4 },
  ];
  metrics.observeGitSyncs(() => gitSyncs);
  assert.deepEqual(await samples(metrics, 'gitseal_gitsync_ready'), [
    'gitseal_gitsync_ready{namespace="team-a",name="app"} 1',
    'gitseal_gitsync_ready{namespace="team-b",name="web"} 0',
  ]);
  assert.deepEqual(await samples(metrics, 'gitseal_gitsync_consecutive_failures'), [
    'gitseal_gitsync_consecutive_failures{namespace="team-a",name="app"} 0',
    'gitseal_gitsync_consecutive_failures{namespace="team-b",name="web"} 4',
  ]);
  // team-b/web deleted; a follower (no failure streaks) exports readiness only.
  gitSyncs = [{ namespace: 'team-a', name: 'app', ready: false, consecutiveFailures: undefined }];
  assert.deepEqual(await samples(metrics, 'gitseal_gitsync_ready'), [
    'gitseal_gitsync_ready{namespace="team-a",name="app"} 0',
  ]);
  assert.deepEqual(await samples(metrics, 'gitseal_gitsync_consecutive_failures'), []);
});

test('gitseal_sync_results_total and gitseal_drift_corrections_total count by bounded labels; a GitSync removed drops its series', async () => {
  const metrics = createMetrics();
  metrics.syncResults.inc({ result: 'Succeeded', reason: 'None' });
  metrics.syncResults.inc({ result: 'Failed', reason: 'GitFetchFailed' });
  metrics.syncResults.inc({ result: 'Failed', reason: 'GitFetchFailed' });
  assert.deepEqual(await samples(metrics, 'gitseal_sync_results_total'), [
    'gitseal_sync_results_total{result="Succeeded",reason="None"} 1',
    'gitseal_sync_results_total{result="Failed",reason="GitFetchFailed"} 2',
  ]);
  metrics.driftCorrections.inc({ namespace: 'team-a', name: 'app' });
  metrics.driftCorrections.inc({ namespace: 'team-a', name: 'app' });
  metrics.driftCorrections.inc({ namespace: 'team-b', name: 'web' });
  metrics.driftCorrections.remove({ namespace: 'team-b', name: 'web' });
  assert.deepEqual(await samples(metrics, 'gitseal_drift_corrections_total'), [
    'gitseal_drift_corrections_total{namespace="team-a",name="app"} 2',
  ]);
});

test('the RSA pool gauges read the pool at scrape time; the renew period is in seconds', async () => {
  const metrics = createMetrics();
  assert.deepEqual(await samples(metrics, 'gitseal_rsa_pool_queued_tasks'), [], 'no pool: no series');
  let view = { size: 2, running: 0, busy: 0, queuedReconciler: 0, queuedApi: 0 };
  metrics.observeRsaPool(() => view);
  assert.deepEqual(await samples(metrics, 'gitseal_rsa_pool_busy_workers'), ['gitseal_rsa_pool_busy_workers 0']);
  assert.deepEqual(await samples(metrics, 'gitseal_rsa_pool_running_workers'), ['gitseal_rsa_pool_running_workers 0']);
  view = { size: 2, running: 2, busy: 2, queuedReconciler: 3, queuedApi: 7 };
  assert.deepEqual(await samples(metrics, 'gitseal_rsa_pool_workers'), ['gitseal_rsa_pool_workers 2']);
  assert.deepEqual(await samples(metrics, 'gitseal_rsa_pool_running_workers'), ['gitseal_rsa_pool_running_workers 2']);
  assert.deepEqual(await samples(metrics, 'gitseal_rsa_pool_busy_workers'), ['gitseal_rsa_pool_busy_workers 2']);
  assert.deepEqual(await samples(metrics, 'gitseal_rsa_pool_queued_tasks'), [
    'gitseal_rsa_pool_queued_tasks{priority="reconciler"} 3',
    'gitseal_rsa_pool_queued_tasks{priority="api"} 7',
  ]);
  metrics.keyRenewPeriod.set((30 * 24 * 3_600_000) / 1_000);
  assert.deepEqual(await samples(metrics, 'gitseal_key_renew_period_seconds'), [
    'gitseal_key_renew_period_seconds 2592000',
  ]);
});

test('no new metric has a label that could hold a revision, a message or a value', async () => {
  const metrics = createMetrics();
  const allowed = new Set(['namespace', 'name', 'result', 'reason', 'priority']);
  const fresh = [
    'gitseal_gitsync_ready',
    'gitseal_gitsync_consecutive_failures',
    'gitseal_sync_results_total',
    'gitseal_drift_corrections_total',
    'gitseal_rsa_pool_workers',
    'gitseal_rsa_pool_busy_workers',
    'gitseal_rsa_pool_queued_tasks',
    'gitseal_key_renew_period_seconds',
  ];
  for (const name of fresh) {
    const metric = metrics.registry.getSingleMetric(name) as unknown as { labelNames: string[] } | undefined;
    assert.ok(metric, `${name} is registered`);
    for (const label of metric.labelNames) assert.ok(allowed.has(label), `${name} label ${label}`);
  }
});
