import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAlertmanagerPayload } from './alertmanager-provider.js';
import { DRIFT_SUMMARY, DRIFT_TITLE, foldedDrift } from './payload-fixture.js';

test('the Alertmanager payload: identifying labels, annotations with the count, endsAt after the last repeat', () => {
  assert.deepEqual(buildAlertmanagerPayload(foldedDrift, { labels: { cluster: 'prod' }, resolveAfterMs: 600_000 }), [
    {
      labels: {
        cluster: 'prod',
        alertname: 'GitsealDriftCorrected',
        severity: 'warning',
        object_kind: 'GitSync',
        name: 'apps',
        namespace: 'team-a',
        target_kind: 'Deployment',
        target_name: 'web',
        target_namespace: 'team-a',
      },
      annotations: {
        summary: DRIFT_TITLE,
        description: DRIFT_SUMMARY,
        count: '3',
        revision: 'main@sha1:0123456789abcdef',
      },
      startsAt: '2026-12-06T10:00:00.000Z',
      endsAt: '2026-12-06T10:10:30.000Z',
      generatorURL: 'https://gitseal.example/ui/gitsyncs/team-a/apps',
    },
  ]);
});

test('caller labels cannot override the identifying ones', () => {
  const [alert] = buildAlertmanagerPayload(foldedDrift, { labels: { alertname: 'x', severity: 'none' } });
  assert.equal(alert?.labels.alertname, 'GitsealDriftCorrected');
  assert.equal(alert?.labels.severity, 'warning');
});
