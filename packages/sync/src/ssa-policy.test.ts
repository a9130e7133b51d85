import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import { checkSsaPolicies, SSA_ANNOTATION, ssaPolicyOf, SsaPolicy } from './ssa-policy.js';
import { SyncError } from './sync-error.js';

const cm = (ssa?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'ns', ...(ssa === undefined ? {} : { annotations: { [SSA_ANNOTATION]: ssa } }) },
});

describe('ssa policy', () => {
  it('reads the annotation, Override by default', () => {
    assert.equal(ssaPolicyOf(cm()), SsaPolicy.Override);
    assert.equal(ssaPolicyOf(cm('Override')), SsaPolicy.Override);
    assert.equal(ssaPolicyOf(cm('IfNotPresent')), SsaPolicy.IfNotPresent);
    assert.equal(ssaPolicyOf(cm('Ignore')), SsaPolicy.Ignore);
  });

  it('refuses an unknown value, naming the file and object, and never echoes the value', () => {
    assert.doesNotThrow(() => checkSsaPolicies([{ source: 'a.yaml', object: cm('Ignore') }]));
    assert.throws(
      () => checkSsaPolicies([{ source: 'a.yaml', object: cm('ifnotpresent-secret-x') }]),
      (error: unknown) =>
        error instanceof SyncError &&
        error.reason === 'InvalidManifest' &&
        /^a\.yaml: .*ConfigMap.*c.*must be one of Override, IfNotPresent, Ignore$/.test(error.message) &&
        !error.message.includes('secret-x'),
    );
  });
});
