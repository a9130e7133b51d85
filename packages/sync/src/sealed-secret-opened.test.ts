import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import { sealedSecretOpening } from './sealed-secret-opened.js';

function sealed(generation: number, status?: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'db', namespace: 'app', generation },
    ...(status ? { status } : {}),
  };
}
const synced = (status: string, reason: string, message = '') => ({ type: 'Synced', status, reason, message });

describe('sealedSecretOpening', () => {
  it('is opened only when Synced=True at the current generation', () => {
    assert.deepEqual(
      sealedSecretOpening(sealed(2, { observedGeneration: 2, conditions: [synced('True', 'Unsealed')] })),
      {
        state: 'opened',
      },
    );
    // The Secret of generation 1 still exists, but the workload must start with generation 2's value.
    assert.deepEqual(
      sealedSecretOpening(sealed(2, { observedGeneration: 1, conditions: [synced('True', 'Unsealed')] })),
      {
        state: 'waiting',
        why: 'generation 2 not opened yet',
      },
    );
    assert.equal(sealedSecretOpening(sealed(1)).state, 'waiting');
    assert.equal(sealedSecretOpening(undefined).state, 'waiting');
  });

  it("reads the condition's observedGeneration when the status has none, and trusts a controller that reports neither", () => {
    const onCondition = { conditions: [{ ...synced('True', 'Unsealed'), observedGeneration: 3 }] };
    assert.equal(sealedSecretOpening(sealed(3, onCondition)).state, 'opened');
    assert.equal(sealedSecretOpening(sealed(4, onCondition)).state, 'waiting');
    assert.equal(sealedSecretOpening(sealed(4, { conditions: [synced('True', 'Unsealed')] })).state, 'opened');
  });

  it('fails at once for a failure the controller does not retry, and waits on others', () => {
    const notOwned = sealed(1, {
      observedGeneration: 1,
      conditions: [synced('False', 'SecretNotOwned', 'Secret app/db exists\nand is not managed')],
    });
    assert.deepEqual(sealedSecretOpening(notOwned), {
      state: 'failed',
      why: 'SecretNotOwned: Secret app/db exists and is not managed',
    });
    const transient = sealed(1, { observedGeneration: 1, conditions: [synced('False', 'ApplyFailed', 'conflict')] });
    assert.deepEqual(sealedSecretOpening(transient), { state: 'waiting', why: 'ApplyFailed: conflict' });
    // A failure of an earlier generation says nothing about this one.
    const stale = sealed(2, { observedGeneration: 1, conditions: [synced('False', 'UnsealFailed')] });
    assert.equal(sealedSecretOpening(stale).state, 'waiting');
  });

  it('bounds the message to one short line', () => {
    const long = sealed(1, { observedGeneration: 1, conditions: [synced('False', 'UnsealFailed', 'x'.repeat(500))] });
    const opening = sealedSecretOpening(long);
    assert.equal(opening.state, 'failed');
    assert.ok(opening.state === 'failed' && opening.why.length < 230);
  });
});
