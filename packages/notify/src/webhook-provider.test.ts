import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DRIFT_SUMMARY, DRIFT_TITLE, foldedDrift } from './payload-fixture.js';
import { buildWebhookPayload } from './webhook-provider.js';

test('the generic webhook payload', () => {
  assert.deepEqual(buildWebhookPayload(foldedDrift), {
    apiVersion: 'notify.gitseal.dev/v1',
    kind: 'DriftCorrected',
    severity: 'warning',
    title: DRIFT_TITLE,
    summary: DRIFT_SUMMARY,
    object: { kind: 'GitSync', namespace: 'team-a', name: 'apps' },
    revision: 'main@sha1:0123456789abcdef',
    count: 3,
    firstSeen: '2026-12-06T10:00:00.000Z',
    lastSeen: '2026-12-06T10:00:30.000Z',
    link: 'https://gitseal.example/ui/gitsyncs/team-a/apps',
    event: {
      kind: 'DriftCorrected',
      object: { kind: 'GitSync', namespace: 'team-a', name: 'apps' },
      revision: 'main@sha1:0123456789abcdef',
      target: { kind: 'Deployment', namespace: 'team-a', name: 'web' },
      fields: ['spec.replicas', 'spec.template.spec.containers[name=web].image'],
    },
  });
});
