import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAlertmanagerPayload } from './alertmanager-provider.js';
import { dedupKey } from './dedup-key.js';
import type { SyncStartedEvent } from './event.js';
import { eventFacts, eventTitle } from './event-text.js';
import type { Notification } from './notification.js';
import { buildSlackPayload } from './slack-provider.js';
import { buildTeamsPayload } from './teams-provider.js';
import { buildWebhookPayload } from './webhook-provider.js';

const started: SyncStartedEvent = {
  kind: 'SyncStarted',
  object: { kind: 'GitSync', namespace: 'team-a', name: 'apps' },
  revision: 'main@sha1:4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  at: new Date('2026-12-06T10:00:00.000Z'),
};
const notification: Notification = {
  event: started,
  count: 1,
  firstSeen: new Date('2026-12-06T10:00:00.000Z'),
  lastSeen: new Date('2026-12-06T10:00:00.000Z'),
};

test('SyncStarted: title, facts and a dedup key that tells revisions apart', () => {
  assert.equal(eventTitle(started), 'SyncStarted: GitSync team-a/apps');
  assert.deepEqual(eventFacts(started), [
    { title: 'Severity', value: 'info' },
    { title: 'Object', value: 'GitSync team-a/apps' },
    { title: 'Revision', value: started.revision },
  ]);
  assert.equal(dedupKey(started), dedupKey({ ...started, at: new Date(0) }));
  assert.notEqual(dedupKey(started), dedupKey({ ...started, revision: 'main@sha1:' + 'f'.repeat(40) }));
});

test('every payload builds for SyncStarted', () => {
  const hook = buildWebhookPayload(notification);
  assert.equal(hook.kind, 'SyncStarted');
  assert.equal(hook.summary, `syncing ${started.revision}`);
  assert.deepEqual(hook.event, { kind: 'SyncStarted', object: started.object, revision: started.revision });
  assert.equal(buildSlackPayload(notification).text, '[info] SyncStarted: GitSync team-a/apps');
  assert.equal(buildTeamsPayload(notification).type, 'message');
  const [alert] = buildAlertmanagerPayload(notification);
  assert.equal(alert?.labels.alertname, 'GitsealSyncStarted');
  assert.equal(alert?.annotations.revision, started.revision);
});
