import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SyncRevisionResult } from '@gitseal/sync';
import { gitSyncStatus, MAX_REQUESTED_AT_LENGTH, nextHistory, withHandledRequest } from './git-sync-status.js';
import { statusPatchChangesNothing } from './status-patch.js';

const now = new Date('2026-01-02T03:04:05Z');
const result = (over: Partial<SyncRevisionResult> = {}): SyncRevisionResult => ({
  revision: 'main@sha1:abc',
  digest: 'sha256:1',
  applied: 2,
  unchanged: 1,
  pruned: 1,
  durationMs: 1500,
  result: 'Succeeded',
  stage: 'done',
  inventory: [{ id: 'ns_c__ConfigMap', v: 'v1' }],
  pending: [],
  rendered: true,
  ...over,
});
const cond = (status: ReturnType<typeof gitSyncStatus>, type: string) =>
  status.conditions?.find((c) => c.type === type);

describe('gitSyncStatus', () => {
  it('success: Ready=True, revisions, inventory, history; Reconciling and Stalled gone', () => {
    const working = gitSyncStatus(undefined, 3, { kind: 'reconciling' }, now);
    assert.equal(cond(working, 'Reconciling')?.status, 'True');
    const done = gitSyncStatus(working, 3, { kind: 'synced', result: result(), startedAt: now }, now);
    assert.equal(cond(done, 'Ready')?.status, 'True');
    assert.equal(cond(done, 'Ready')?.message, 'Applied revision: main@sha1:abc');
    assert.equal(cond(done, 'Reconciling'), undefined);
    assert.equal(done.lastAppliedRevision, 'main@sha1:abc');
    assert.equal(done.lastAttemptedRevision, 'main@sha1:abc');
    assert.equal(done.observedGeneration, 3);
    assert.deepEqual(done.inventory, { entries: [{ id: 'ns_c__ConfigMap', v: 'v1' }] });
    assert.deepEqual(done.history, [
      {
        revision: 'main@sha1:abc',
        digest: 'sha256:1',
        result: 'Succeeded',
        startedAt: '2026-01-02T03:04:05Z',
        duration: '1.5s',
        objectsChanged: 3,
        applied: 2,
        unchanged: 1,
        pruned: 1,
      },
    ]);
    const again = gitSyncStatus(
      done,
      3,
      { kind: 'synced', result: result({ applied: 0, pruned: 0 }), startedAt: new Date() },
      new Date(),
    );
    assert.equal(statusPatchChangesNothing(done, again), true, 'a no-op resync writes nothing');
  });

  it('failure: keeps lastAppliedRevision; Stalled only for failures a retry cannot fix', () => {
    const ok = gitSyncStatus(undefined, 1, { kind: 'synced', result: result(), startedAt: now }, now);
    const bad = gitSyncStatus(
      ok,
      1,
      {
        kind: 'synced',
        result: result({
          revision: 'main@sha1:def',
          result: 'Failed',
          reason: 'SealedSecretUndecryptable',
          message: 'a.yaml#0: x',
        }),
        startedAt: now,
      },
      now,
    );
    assert.equal(cond(bad, 'Ready')?.status, 'False');
    assert.equal(cond(bad, 'Ready')?.reason, 'SealedSecretUndecryptable');
    assert.equal(cond(bad, 'Stalled')?.status, 'True');
    assert.equal(bad.lastAppliedRevision, 'main@sha1:abc');
    assert.equal(bad.lastAttemptedRevision, 'main@sha1:def');
    assert.equal(bad.history?.length, 2);
    const fetch = gitSyncStatus(
      bad,
      1,
      {
        kind: 'synced',
        result: result({ revision: '', result: 'Failed', reason: 'GitFetchFailed', message: 'm' }),
        startedAt: now,
      },
      now,
    );
    assert.equal(cond(fetch, 'Stalled'), undefined);
    assert.equal(cond(fetch, 'Ready')?.reason, 'GitFetchFailed');
    assert.equal(fetch.history?.length, 2, 'no history entry without a revision');
  });

  it('keeps at most 10 history entries, newest first', () => {
    let history = nextHistory(undefined, { revision: 'r0', result: 'Succeeded', objectsChanged: 1 });
    for (let i = 1; i < 15; i++)
      history = nextHistory(history, { revision: `r${i}`, result: 'Succeeded', objectsChanged: 1 });
    assert.equal(history.length, 10);
    assert.equal(history[0]?.revision, 'r14');
  });
});

describe('self-heal status', () => {
  it('a refused head keeps its reason and says drift is corrected to the last applied revision', () => {
    const refused = result({
      result: 'Failed',
      stage: 'preflight',
      reason: 'PlaintextSecretInGit',
      message: 'app/s.yaml: Secret ns/s: plain Secret in Git',
      healed: { revision: 'main@sha1:old', applied: 1, unchanged: 2 },
    });
    const status = gitSyncStatus(undefined, 1, { kind: 'synced', result: refused, startedAt: now }, now);
    assert.equal(cond(status, 'Ready')?.status, 'False');
    assert.equal(cond(status, 'Ready')?.reason, 'PlaintextSecretInGit');
    assert.equal(
      cond(status, 'Ready')?.message,
      'app/s.yaml: Secret ns/s: plain Secret in Git; drift is corrected to the last applied revision main@sha1:old',
    );
    assert.equal(status.lastAppliedRevision, undefined);
    const again = gitSyncStatus(
      status,
      1,
      {
        kind: 'synced',
        result: { ...refused, healed: { revision: 'main@sha1:old', applied: 0, unchanged: 3 } },
        startedAt: now,
      },
      now,
    );
    assert.equal(cond(again, 'Ready')?.message, cond(status, 'Ready')?.message, 'stable: no new Event');
    const failed = gitSyncStatus(
      undefined,
      1,
      {
        kind: 'synced',
        result: { ...refused, healed: { revision: 'r', applied: 0, unchanged: 0, failed: 'x: denied' } },
        startedAt: now,
      },
      now,
    );
    assert.match(
      cond(failed, 'Ready')?.message ?? '',
      /; drift not corrected to the last applied revision r: x: denied$/,
    );
  });

  it('echoes the handled request, not an over-long one', () => {
    const status = gitSyncStatus(undefined, 1, { kind: 'synced', result: result(), startedAt: now }, now);
    assert.equal(
      withHandledRequest(status, '2026-01-02T03:04:05.000Z').lastHandledRequestedAt,
      '2026-01-02T03:04:05.000Z',
    );
    assert.equal(withHandledRequest(status, undefined), status);
    assert.equal(withHandledRequest(status, 'x'.repeat(MAX_REQUESTED_AT_LENGTH + 1)), status);
    assert.equal(
      statusPatchChangesNothing(status, withHandledRequest(status, 't')),
      false,
      'a handled request is written',
    );
  });
});
