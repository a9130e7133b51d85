import assert from 'node:assert/strict';
import { test } from 'node:test';
import { desiredStatus, SealedSecretReason } from './sealed-secret-status.js';
import { statusPatchChangesNothing as sameStatus } from './status-patch.js';

test('failedChecksum: written with a failure that cost RSA work, cleared (null, merge patch) once it no longer applies', () => {
  const failed = desiredStatus(undefined, 3, {
    synced: false,
    reason: SealedSecretReason.UnsealFailed,
    message: 'SealedSecret ns/x: no key opens it',
    failedChecksum: 'abc',
  });
  assert.equal(failed.failedChecksum, 'abc');
  assert.ok(sameStatus(failed, desiredStatus(failed, 3, { ...failedResult(), failedChecksum: 'abc' })));
  assert.ok(!sameStatus(failed, desiredStatus(failed, 3, { ...failedResult(), failedChecksum: 'def' })));
  const ok = desiredStatus(failed, 3, {
    synced: true,
    reason: SealedSecretReason.Unsealed,
    message: 'Secret is up to date',
  });
  assert.equal(ok.failedChecksum, null);
  assert.ok(!sameStatus(failed, ok));
  const { failedChecksum: _gone, ...stored } = ok;
  assert.ok(
    sameStatus(
      stored,
      desiredStatus(stored, 3, { synced: true, reason: SealedSecretReason.Unsealed, message: 'Secret is up to date' }),
    ),
  );
});

function failedResult() {
  return {
    synced: false,
    reason: SealedSecretReason.UnsealFailed,
    message: 'SealedSecret ns/x: no key opens it',
  } as const;
}
