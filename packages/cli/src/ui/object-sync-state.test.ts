import assert from 'node:assert/strict';
import { test } from 'node:test';
import { objectSyncState, secretKeyNames, writersAfterApply } from './object-sync-state.js';

const marks = {
  labels: { 'gitseal.dev/sync': 'team.web' },
  annotations: { 'gitseal.dev/applied-digest': 'sha256:aa' },
};
const applied = { manager: 'gitseal', operation: 'Apply', time: '2026-01-01T00:00:10Z' };

test('objectSyncState: missing, in sync, and every kind of drift', () => {
  assert.equal(objectSyncState(undefined, 'team.web').sync, 'Missing');
  assert.deepEqual(objectSyncState({ metadata: { ...marks, managedFields: [applied] } }, 'team.web'), {
    sync: 'InSync',
  });
  const edited = {
    metadata: {
      ...marks,
      managedFields: [applied, { manager: 'kubectl-edit', operation: 'Update', time: '2026-01-01T00:00:20Z' }],
    },
  };
  assert.deepEqual(objectSyncState(edited, 'team.web'), { sync: 'Drifted', message: 'changed by kubectl-edit' });
  assert.equal(
    objectSyncState({ metadata: { ...marks, labels: {} } }, 'team.web').message,
    'label gitseal.dev/sync removed',
  );
  assert.equal(objectSyncState({ metadata: { ...marks, annotations: {} } }, 'team.web').sync, 'Drifted');
  assert.equal(objectSyncState(edited, 'other.sync').message, 'labelled for GitSync team.web');
  assert.equal(
    objectSyncState({ metadata: { ...marks, deletionTimestamp: 'x' } }, 'team.web').message,
    'being deleted',
  );
});

test('writersAfterApply: status writes and older or same-second writes do not count', () => {
  assert.deepEqual(
    writersAfterApply([
      applied,
      { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status', time: '2026-01-01T00:01:00Z' },
      { manager: 'kubectl-create', operation: 'Update', time: '2026-01-01T00:00:01Z' },
      { manager: 'same-second', operation: 'Update', time: '2026-01-01T00:00:10Z' },
      { manager: 'later', operation: 'Apply', time: '2026-01-01T00:00:11Z' },
    ]),
    ['later'],
  );
  assert.deepEqual(writersAfterApply([{ manager: 'kubectl', time: '2026-01-01T00:00:00Z' }]), ['kubectl']);
});

test('secretKeyNames: the data and stringData keys every manager wrote, sorted, no values', () => {
  assert.deepEqual(
    secretKeyNames([
      { manager: 'gitseal-controller', fieldsV1: { 'f:data': { '.': {}, 'f:password': {}, 'f:user': {} } } },
      { manager: 'kubectl', fieldsV1: { 'f:stringData': { 'f:extra': {} }, 'f:type': {} } },
    ]),
    ['extra', 'password', 'user'],
  );
  assert.deepEqual(secretKeyNames(undefined), []);
});
