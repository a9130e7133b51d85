import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GitSync } from '@gitseal/manifests';
import type { SyncRevisionResult } from '@gitseal/sync';
import { syncAnnouncements, type SyncStart } from './sync-announcements.js';

const REV = 'main@sha1:1111111111111111111111111111111111111111';
const NEXT = 'main@sha1:2222222222222222222222222222222222222222';

function gitSync(ready: 'True' | 'False' | undefined, extra: Record<string, unknown> = {}): GitSync {
  return {
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'GitSync',
    metadata: { name: 'shop', namespace: 'team-a', generation: 3 },
    spec: { source: { url: 'https://git.example/shop.git' } },
    status: {
      observedGeneration: 3,
      lastAppliedRevision: REV,
      conditions: ready
        ? [{ type: 'Ready', status: ready, reason: 'ApplyFailed', message: 'boom', lastTransitionTime: '' }]
        : [],
      ...extra,
    },
  } as unknown as GitSync;
}

const entry = (id: string) => ({ id, v: 'v1' });
const start = (g: GitSync): SyncStart => ({
  gitSync: g,
  inventory: [entry('team-a_web__ConfigMap'), entry('team-a_old__ConfigMap')],
  pending: [entry('team-a_half__Service')],
});
const result = (over: Partial<SyncRevisionResult>): SyncRevisionResult =>
  ({
    revision: NEXT,
    applied: 2,
    unchanged: 5,
    pruned: 0,
    durationMs: 10,
    result: 'Succeeded',
    stage: 'health',
    inventory: [entry('team-a_web__ConfigMap')],
    pending: [],
    rendered: true,
    ...over,
  }) as SyncRevisionResult;
const drift = {
  target: { kind: 'ConfigMap', namespace: 'team-a', name: 'web' },
  fields: ['data.color'],
  deleted: false,
  seenAt: 0,
};
const kinds = (events: { kind: string }[]) => events.map((e) => e.kind);

test('a new revision: SyncSucceeded with counts, Pruned naming what went, drift put back with its fields', () => {
  const events = syncAnnouncements(start(gitSync('True')), result({ pruned: 2 }), [drift]);
  assert.deepEqual(kinds(events), ['SyncSucceeded', 'Pruned', 'DriftCorrected']);
  assert.deepEqual(events[0], {
    kind: 'SyncSucceeded',
    object: { kind: 'GitSync', namespace: 'team-a', name: 'shop' },
    revision: NEXT,
    changed: 2,
    unchanged: 5,
    pruned: 2,
  });
  assert.deepEqual((events[1] as { objects: unknown }).objects, [
    { kind: 'ConfigMap', namespace: 'team-a', name: 'old' },
    { kind: 'Service', namespace: 'team-a', name: 'half' },
  ]);
  assert.deepEqual((events[2] as { fields: unknown }).fields, ['data.color']);
});

test('a heal or no-op resync of the applied revision says only what drift it put back', () => {
  assert.deepEqual(kinds(syncAnnouncements(start(gitSync('True')), result({ revision: REV, applied: 1 }), [drift])), [
    'DriftCorrected',
  ]);
  assert.deepEqual(kinds(syncAnnouncements(start(gitSync('True')), result({ revision: REV, applied: 0 }), [])), []);
  // Recovering from a failure on the same revision is news.
  assert.deepEqual(kinds(syncAnnouncements(start(gitSync('False')), result({ revision: REV }), [])), ['SyncSucceeded']);
});

test('a failure once per new reason and message; an ownership conflict names the object held by another GitSync', () => {
  const failed = result({ result: 'Failed', reason: 'ApplyFailed', message: 'boom', inventory: [] });
  assert.deepEqual(kinds(syncAnnouncements(start(gitSync('False')), failed, [drift])), [], 'same failure: nothing');
  assert.deepEqual(kinds(syncAnnouncements(start(gitSync('True')), failed, [drift])), ['SyncFailed']);
  const owned = result({
    result: 'Failed',
    reason: 'OwnershipConflict',
    message: 'apps/web.yaml: ConfigMap team-a/web: already applied by GitSync team-a/other (remove it there)',
  });
  const events = syncAnnouncements(start(gitSync('True')), owned, []);
  assert.deepEqual(kinds(events), ['SyncFailed', 'OwnershipConflict']);
  assert.deepEqual((events[1] as { target: unknown }).target, { kind: 'ConfigMap', namespace: 'team-a', name: 'web' });
  const healed = result({
    result: 'Failed',
    reason: 'RenderFailed',
    message: 'x',
    healed: { revision: REV, applied: 1, unchanged: 0 },
  });
  const afterHeal = syncAnnouncements(start(gitSync('True')), healed, [drift]);
  assert.deepEqual(kinds(afterHeal), ['SyncFailed', 'DriftCorrected']);
  assert.equal((afterHeal[1] as { revision?: string }).revision, REV, 'put back to the last applied revision');
});
