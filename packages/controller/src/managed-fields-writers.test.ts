import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changedBy } from './managed-fields-writers.js';

const SELF = 'gitseal-controller';

test('changedBy names the managers that wrote after us, newest first, and not us', () => {
  const fields = [
    { manager: SELF, operation: 'Apply', time: '2026-12-01T10:00:00Z' },
    { manager: 'kubectl-edit', operation: 'Update', time: '2026-12-01T10:05:00Z' },
    { manager: 'gitseal', operation: 'Apply', time: '2026-12-01T10:07:00Z' },
    { manager: 'old-tool', operation: 'Update', time: '2026-12-01T09:00:00Z' },
  ];
  assert.deepEqual(changedBy(fields, SELF), ['gitseal', 'kubectl-edit']);
});

test('changedBy counts a write in the same second as ours, and takes our newest entry of any operation', () => {
  const fields = [
    { manager: SELF, operation: 'Apply', time: '2026-12-01T10:00:00Z' },
    { manager: SELF, operation: 'Update', time: '2026-12-01T10:09:00Z' },
    { manager: 'kubectl-client-side-apply', operation: 'Update', time: '2026-12-01T10:09:00Z' },
    { manager: 'kubectl-edit', operation: 'Update', time: '2026-12-01T10:05:00Z' },
  ];
  assert.deepEqual(changedBy(fields, SELF), ['kubectl-client-side-apply']);
});

test('changedBy: every other manager when we have no entry; nobody when we wrote last or fields are gone', () => {
  const foreign = [
    { manager: 'kubectl-create', operation: 'Update', time: '2026-12-01T10:00:00Z' },
    { manager: 'kubectl-edit', operation: 'Update', time: '2026-12-01T10:01:00Z' },
    { manager: 'kubectl-edit', operation: 'Update', subresource: 'status', time: '2026-12-01T10:01:00Z' },
  ];
  assert.deepEqual(changedBy(foreign, SELF), ['kubectl-edit', 'kubectl-create']);
  assert.deepEqual(changedBy([{ manager: SELF, time: '2026-12-01T10:00:00Z' }], SELF), []);
  assert.deepEqual(changedBy(undefined, SELF), []);
  assert.deepEqual(changedBy([], SELF), []);
});

test('changedBy keeps names printable and short, and copes with Dates and missing or bad times', () => {
  const fields = [
    { manager: SELF, time: new Date('2026-12-01T10:00:00Z') },
    { manager: 'evil"\nname', time: new Date('2026-12-01T10:01:00Z') },
    { manager: 'x'.repeat(300), time: '2026-12-01T10:02:00Z' },
    { manager: 'no-time' },
    { manager: 'bad-time', time: 'yesterday' },
    { manager: '', time: '2026-12-01T10:03:00Z' },
  ];
  const names = changedBy(fields, SELF);
  assert.deepEqual(names, [`${'x'.repeat(127)}…`, 'evil??name']);
  assert.deepEqual(changedBy([{ manager: 'no-time' }], SELF), ['no-time']);
});

test('changedBy with the entries we last wrote: only managers whose entry is new or changed since, same second or not', () => {
  const ours = { manager: SELF, operation: 'Update', time: '2026-12-01T10:09:00Z', fieldsV1: { 'f:data': {} } };
  // An earlier writer still owns an annotation, stamped in the same second as our restore.
  const annotator = {
    manager: 'kubectl-client-side-apply',
    operation: 'Update',
    time: '2026-12-01T10:09:00Z',
    fieldsV1: { 'f:metadata': { 'f:annotations': {} } },
  };
  const baseline = [ours, annotator];
  const patcher = { manager: 'kubectl-patch', operation: 'Update', time: '2026-12-01T10:09:00Z', fieldsV1: {} };
  assert.deepEqual(changedBy([ours, annotator, patcher], SELF, baseline), ['kubectl-patch']);
  assert.deepEqual(changedBy([ours, annotator, patcher], SELF), ['kubectl-client-side-apply', 'kubectl-patch']);
  const annotatorAgain = { ...annotator, fieldsV1: { 'f:metadata': {}, 'f:data': { 'f:cert.pem': {} } } };
  assert.deepEqual(changedBy([ours, annotatorAgain], SELF, baseline), ['kubectl-client-side-apply']);
  assert.deepEqual(changedBy(baseline, SELF, baseline), []);
});
