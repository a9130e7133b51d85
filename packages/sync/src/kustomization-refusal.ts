// Test helper (used by the kustomization tests only): asserts a KUSTOMIZATION_REFUSED SyncError, one line,
// mentioning every given string.
import assert from 'node:assert/strict';
import { SyncError } from './sync-error.js';

export function refusedKustomization(...mentions: string[]): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof SyncError, String(e));
    assert.equal(e.code, 'KUSTOMIZATION_REFUSED', e.message);
    assert.equal(e.reason, 'RenderFailed');
    assert.doesNotMatch(e.message, /[\n\r]/);
    for (const m of mentions) assert.ok(e.message.includes(m), `${e.message} should mention ${m}`);
    return true;
  };
}
