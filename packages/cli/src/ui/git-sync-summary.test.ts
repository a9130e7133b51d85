import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shortRevision, summarizeGitSync } from './git-sync-summary.js';

const sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

test('shortRevision: the first 7 hex digits of the commit, or nothing', () => {
  assert.equal(shortRevision(`main@sha1:${sha}`), 'a1b2c3d');
  assert.equal(shortRevision(sha), 'a1b2c3d');
  assert.equal(shortRevision('v1.2.3'), undefined);
  assert.equal(shortRevision(undefined), undefined);
});

test('summarizeGitSync: Stalled wins over Ready, with its reason; history gives time and duration', () => {
  const summary = summarizeGitSync({
    metadata: { namespace: 'team', name: 'web' },
    spec: { suspend: true, source: { url: 'https://git.example/app.git' } },
    status: {
      lastAppliedRevision: `main@sha1:${sha}`,
      inventory: { entries: [{ id: 'team_a__ConfigMap', v: 'v1' }] },
      conditions: [
        { type: 'Ready', status: 'False', reason: 'InvalidManifest', message: 'bad' },
        { type: 'Stalled', status: 'True', reason: 'InvalidManifest', message: 'file x.yaml: bad' },
      ],
      history: [{ revision: `main@sha1:${sha}`, result: 'Failed', startedAt: '2026-01-01T00:00:00Z', duration: '2s' }],
    },
  });
  assert.deepEqual(summary, {
    key: 'team/web',
    namespace: 'team',
    name: 'web',
    state: 'Stalled',
    reason: 'InvalidManifest',
    message: 'file x.yaml: bad',
    health: 'Unknown',
    objects: 1,
    suspended: true,
    revision: `main@sha1:${sha}`,
    shortRevision: 'a1b2c3d',
    lastSyncAt: '2026-01-01T00:00:00Z',
    lastSyncDuration: '2s',
    sourceUrl: 'https://git.example/app.git',
  });
});

test('summarizeGitSync: Ready, Reconciling, Failed with a health reason, and nothing yet', () => {
  const withConditions = (conditions: unknown[]) =>
    summarizeGitSync({ metadata: { namespace: 'n', name: 'x' }, spec: {}, status: { conditions } });
  const ready = withConditions([{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded' }]);
  assert.equal(ready.state, 'Ready');
  assert.equal(ready.health, 'Healthy');
  const busy = withConditions([
    { type: 'Ready', status: 'True' },
    { type: 'Reconciling', status: 'True', reason: 'Progressing' },
  ]);
  assert.equal(busy.state, 'Reconciling');
  assert.equal(busy.health, 'Progressing');
  const unhealthy = withConditions([{ type: 'Ready', status: 'False', reason: 'HealthCheckFailed' }]);
  assert.equal(unhealthy.state, 'Failed');
  assert.equal(unhealthy.health, 'Degraded');
  const fresh = summarizeGitSync({ metadata: { namespace: 'n', name: 'x' } });
  assert.equal(fresh.state, 'Unknown');
  assert.equal(fresh.objects, 0);
  assert.equal(fresh.revision, undefined);
});
