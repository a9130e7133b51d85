// Notifications into a real Alertmanager (v0.35.0, built from the Go module proxy), read back through its API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertmanagerProvider, Notifier } from '@gitseal/notify';
import { startAlertmanager } from '../support/alertmanager.js';
import { recordingLogger } from '../support/recording-logger.js';

const TOKEN = 'bearer-PLAINTEXT-MARKER-51be';

interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
  status: { state: string };
}

async function alerts(url: string, filter: string): Promise<GettableAlert[]> {
  const response = await fetch(`${url}/api/v2/alerts?filter=${encodeURIComponent(filter)}`);
  assert.equal(response.status, 200);
  return (await response.json()) as GettableAlert[];
}

test('Alertmanager receives gitseal alerts through /api/v2/alerts and shows them with labels and annotations', async (t) => {
  const am = await startAlertmanager();
  t.after(() => am.stop());
  const logger = recordingLogger();
  const notifier = new Notifier({
    linkPattern: 'https://gitseal.example/ui/gitsyncs/{namespace}/{name}',
    dedupWindowMs: 60_000,
    logger,
    providers: [alertmanagerProvider({ name: 'ops/am', url: am.url, bearerToken: TOKEN, labels: { cluster: 'test' } })],
  });
  t.after(() => notifier.close());
  const started = performance.now();
  notifier.notify({
    kind: 'SyncFailed',
    object: { kind: 'GitSync', namespace: 'team-a', name: 'apps' },
    revision: 'main@sha1:4b825dc642cb6eb9a060e54bf8d69288fbee4904',
    reason: 'ApplyFailed',
    message: 'ConfigMap team-a/settings: admission webhook denied the request',
    objects: [{ kind: 'ConfigMap', namespace: 'team-a', name: 'settings' }],
  });
  for (let i = 0; i < 100; i += 1) {
    notifier.notify({
      kind: 'DriftCorrected',
      object: { kind: 'GitSync', namespace: 'team-a', name: 'apps' },
      target: { kind: 'Deployment', namespace: 'team-a', name: 'web' },
      fields: ['spec.replicas'],
    });
  }
  assert.equal(await notifier.flush(10_000), true);
  const flushed = performance.now() - started;

  let failed: GettableAlert[] = [];
  for (const deadline = Date.now() + 5000; failed.length === 0 && Date.now() < deadline;) {
    failed = await alerts(am.url, 'alertname="GitsealSyncFailed"');
  }
  t.diagnostic(
    `SyncFailed visible in Alertmanager ${(performance.now() - started).toFixed(0)} ms after notify() (queues empty after ${flushed.toFixed(0)} ms)`,
  );
  assert.equal(failed.length, 1);
  const [alert] = failed;
  assert.deepEqual(alert?.labels, {
    alertname: 'GitsealSyncFailed',
    cluster: 'test',
    severity: 'error',
    object_kind: 'GitSync',
    namespace: 'team-a',
    name: 'apps',
  });
  assert.equal(alert?.annotations.summary, 'SyncFailed: GitSync team-a/apps');
  assert.equal(
    alert?.annotations.description,
    'sync failed (ApplyFailed): ConfigMap team-a/settings: admission webhook denied the request',
  );
  assert.equal(alert?.annotations.revision, 'main@sha1:4b825dc642cb6eb9a060e54bf8d69288fbee4904');
  assert.equal(alert?.generatorURL, 'https://gitseal.example/ui/gitsyncs/team-a/apps');
  assert.equal(alert?.status.state, 'active');
  assert.ok(Date.parse(alert?.endsAt ?? '') > Date.now(), 'endsAt is in the future: the alert fires');

  // 100 drifts: two POSTs (the first, then the 99 folded repeats); Alertmanager merges them by labels into one
  // alert whose annotations are the newest, so it shows the folded count.
  const drift = await alerts(am.url, 'alertname="GitsealDriftCorrected"');
  assert.equal(drift.length, 1);
  assert.equal(drift[0]?.labels.target_name, 'web');
  assert.equal(drift[0]?.annotations.count, '99');
  assert.deepEqual(notifier.stats()['ops/am'], {
    sent: 3,
    failed: 0,
    dropped: 0,
    deduplicated: 99,
    retried: 0,
    queued: 0,
  });
  assert.ok(logger.lines.every((line) => !line.includes(TOKEN)));
  assert.ok(!am.output().includes(TOKEN));
});
