import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManifestError, ManifestErrorCode } from './errors.js';
import { scopeOf } from './scope-of.js';

const sealed = (
  apiVersion: string,
  annotations?: Record<string, string>,
  templateAnnotations?: Record<string, string>,
) => ({
  apiVersion,
  kind: 'SealedSecret',
  metadata: { name: 's', namespace: 'n', ...(annotations ? { annotations } : {}) },
  spec: { encryptedData: {}, template: { metadata: templateAnnotations ? { annotations: templateAnnotations } : {} } },
});

test('strict without annotations', () => {
  assert.equal(scopeOf(sealed('gitseal.dev/v1alpha1')), 'strict');
  assert.equal(scopeOf({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }), 'strict');
});

test('gitseal annotations on the object or the template', () => {
  assert.equal(scopeOf(sealed('gitseal.dev/v1alpha1', { 'gitseal.dev/namespace-wide': 'true' })), 'namespace-wide');
  assert.equal(
    scopeOf(sealed('gitseal.dev/v1alpha1', undefined, { 'gitseal.dev/cluster-wide': 'true' })),
    'cluster-wide',
  );
  assert.equal(scopeOf(sealed('bitnami.com/v1alpha1', { 'gitseal.dev/cluster-wide': 'true' })), 'cluster-wide');
  assert.equal(scopeOf(sealed('gitseal.dev/v1alpha1', { 'gitseal.dev/cluster-wide': 'false' })), 'strict');
});

test('Bitnami annotations count for bitnami.com objects and Secrets only', () => {
  const bitnami = { 'sealedsecrets.bitnami.com/namespace-wide': 'true' };
  assert.equal(scopeOf(sealed('bitnami.com/v1alpha1', undefined, bitnami)), 'namespace-wide');
  assert.equal(scopeOf(sealed('gitseal.dev/v1alpha1', bitnami)), 'strict');
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'x', annotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'true' } },
  };
  assert.equal(scopeOf(secret), 'cluster-wide');
});

test('conflicting annotations are an error naming the object', () => {
  assert.throws(
    () =>
      scopeOf(
        sealed(
          'bitnami.com/v1alpha1',
          { 'gitseal.dev/namespace-wide': 'true' },
          { 'sealedsecrets.bitnami.com/cluster-wide': 'true' },
        ),
        'x.yaml',
      ),
    (error: unknown) =>
      error instanceof ManifestError &&
      error.code === ManifestErrorCode.ScopeConflict &&
      error.message === 'x.yaml: SealedSecret n/s: both namespace-wide and cluster-wide scope annotations are set',
  );
});
