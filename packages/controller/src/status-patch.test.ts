import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statusPatchChangesNothing } from './status-patch.js';

const ready = { type: 'Ready', status: 'True', reason: 'Ok', message: 'fine', lastTransitionTime: 't1' };

test('the same fields in another key order need no write', () => {
  const current = { observedGeneration: 2, conditions: [ready] };
  const patch = {
    conditions: [{ message: 'fine', reason: 'Ok', status: 'True', type: 'Ready', lastTransitionTime: 't1' }],
    observedGeneration: 2,
  };
  assert.equal(statusPatchChangesNothing(current, patch), true);
});

test('a changed, added or removed field needs a write', () => {
  const current = { observedGeneration: 2, conditions: [ready], failedChecksum: 'abc' };
  assert.equal(statusPatchChangesNothing(current, { observedGeneration: 3 }), false);
  assert.equal(statusPatchChangesNothing(current, { conditions: [{ ...ready, message: 'other' }] }), false);
  assert.equal(statusPatchChangesNothing(current, { keyFingerprint: 'SHA256:x' }), false);
  assert.equal(statusPatchChangesNothing(current, { failedChecksum: null }), false);
  assert.equal(statusPatchChangesNothing(current, { conditions: [] }), false);
});

test('merge-patch semantics: null removes, objects merge, unnamed fields stay', () => {
  const current = { inventory: { entries: [1, 2], pending: [] }, extra: 'kept by someone else' };
  assert.equal(statusPatchChangesNothing(current, { inventory: { entries: [1, 2] } }), true);
  assert.equal(statusPatchChangesNothing(current, { missing: null }), true);
  assert.equal(statusPatchChangesNothing(current, { inventory: { pending: null } }), false);
  assert.equal(statusPatchChangesNothing(undefined, {}), true);
  assert.equal(statusPatchChangesNothing(undefined, { chart: null }), true);
  assert.equal(statusPatchChangesNothing(undefined, { observedGeneration: 1 }), false);
});
