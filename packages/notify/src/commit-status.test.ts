import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitOfRevision, commitStatusOf, MAX_DESCRIPTION } from './commit-status.js';
import type { NotifyEvent } from './event.js';
import type { Notification } from './notification.js';

const SHA = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const gitSync = { kind: 'GitSync', namespace: 'team-a', name: 'apps' };
const at = new Date('2026-12-06T10:00:00.000Z');
const wrap = (event: NotifyEvent, link?: string): Notification => ({
  event,
  count: 1,
  firstSeen: at,
  lastSeen: at,
  ...(link ? { link } : {}),
});

test('the commit of a revision: sha1 Git revisions only', () => {
  assert.equal(commitOfRevision(`main@sha1:${SHA}`), SHA);
  assert.equal(commitOfRevision(`v1.2.3@sha1:${SHA}`), SHA);
  assert.equal(commitOfRevision(`sha1:${SHA}`), SHA);
  assert.equal(commitOfRevision(`1.4.0@sha256:${'a'.repeat(64)}`), undefined, 'a chart revision has no commit');
  assert.equal(commitOfRevision(`main@sha1:${SHA.toUpperCase()}`), undefined);
  assert.equal(commitOfRevision(`main@sha1:${SHA.slice(1)}`), undefined);
  assert.equal(commitOfRevision(`main@sha1:${SHA}0`), undefined);
  assert.equal(commitOfRevision(`mainsha1:${SHA}`), undefined);
  assert.equal(commitOfRevision(undefined), undefined);
});

test('SyncStarted → pending, SyncSucceeded → success with counts, SyncFailed → failure with the reason only', () => {
  const revision = `main@sha1:${SHA}`;
  const link = 'https://gitseal.example/ui/gitsyncs/team-a/apps';
  assert.deepEqual(commitStatusOf(wrap({ kind: 'SyncStarted', object: gitSync, revision }, link)), {
    state: 'pending',
    sha: SHA,
    context: 'gitseal/team-a/apps',
    description: 'Syncing',
    targetUrl: link,
  });
  assert.deepEqual(
    commitStatusOf(wrap({ kind: 'SyncSucceeded', object: gitSync, revision, changed: 3, unchanged: 10, pruned: 0 })),
    {
      state: 'success',
      sha: SHA,
      context: 'gitseal/team-a/apps',
      description: 'Applied: 3 changed, 10 unchanged, 0 pruned',
    },
  );
  const failed = commitStatusOf(
    wrap({
      kind: 'SyncFailed',
      object: gitSync,
      revision,
      reason: 'ApplyFailed',
      message: 'password=hunter2 rejected by webhook',
    }),
  );
  assert.equal(failed?.state, 'failure');
  assert.equal(failed?.description, 'Failed: ApplyFailed', 'the message never reaches the forge');
  const oddReason = commitStatusOf(
    wrap({ kind: 'SyncFailed', object: gitSync, revision, reason: 'token abc: leaked\nline' }),
  );
  assert.equal(oddReason?.description, 'Failed: SyncFailed', 'a reason that is not PascalCase is not echoed');
  const huge = commitStatusOf(
    wrap({ kind: 'SyncSucceeded', object: gitSync, revision, changed: 1e300, unchanged: 1e300, pruned: 1e300 }),
  );
  assert.ok((huge?.description.length ?? 0) <= MAX_DESCRIPTION);
});

test('other kinds, other objects and revisions without a commit set no status', () => {
  const revision = `main@sha1:${SHA}`;
  const none: NotifyEvent[] = [
    { kind: 'DriftCorrected', object: gitSync, revision, target: gitSync, fields: ['spec'] },
    { kind: 'Pruned', object: gitSync, revision, objects: [] },
    { kind: 'UnsealFailed', object: { kind: 'SealedSecret', namespace: 'a', name: 'b' }, revision, reason: 'X' },
    { kind: 'KeyRotated', object: gitSync, revision, keyId: 'k' },
    { kind: 'SyncStarted', object: { kind: 'SealedSecret', namespace: 'team-a', name: 'x' }, revision },
    { kind: 'SyncStarted', object: gitSync, revision: `1.4.0@sha256:${'a'.repeat(64)}` },
    { kind: 'SyncSucceeded', object: gitSync, changed: 1, unchanged: 0, pruned: 0 },
  ];
  for (const event of none) assert.equal(commitStatusOf(wrap(event)), undefined, JSON.stringify(event));
});
