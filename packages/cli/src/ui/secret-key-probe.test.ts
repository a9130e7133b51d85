import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareSecretKeys, conflictFields } from './secret-key-probe.js';

test('conflictFields keeps the paths of a 409 apply conflict, never its messages', () => {
  const status = {
    kind: 'Status',
    status: 'Failure',
    reason: 'Conflict',
    message: 'Apply failed with 2 conflicts: ...',
    details: {
      causes: [
        { type: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using v1', field: '.data.password' },
        { type: 'FieldManagerConflict', message: 'conflict with "gitseal" using v1', field: '.data.a.b' },
        { type: 'FieldManagerConflict', message: 'x', field: '.data.password' },
        { type: 'FieldManagerConflict', message: 'no field' },
      ],
    },
  };
  assert.deepEqual(conflictFields(status), ['.data.a.b', '.data.password']);
  assert.deepEqual(conflictFields({}), []);
});

test('compareSecretKeys: added, removed, changed (a conflict) and unchanged; other fields by path', () => {
  const result = compareSecretKeys(
    ['password', 'token', 'extra'],
    ['password', 'token', 'new'],
    ['.data.password', '.metadata.annotations.gitseal.dev/applied-digest'],
  );
  assert.deepEqual(result.keys, [
    { key: 'extra', change: 'removed' },
    { key: 'new', change: 'added' },
    { key: 'password', change: 'changed' },
    { key: 'token', change: 'unchanged' },
  ]);
  assert.deepEqual(result.fields, [{ path: 'metadata.annotations.gitseal.dev/applied-digest', kind: 'changed' }]);
});
