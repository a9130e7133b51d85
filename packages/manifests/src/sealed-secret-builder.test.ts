import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManifestError } from './errors.js';
import { buildSealedSecret } from './sealed-secret-builder.js';
import { validateSealedSecret } from './validate-sealed-secret.js';

const SEALED = 'AgBy3i4OJSWK+PiTySYZZA==';

test('builds a SealedSecret keeping labels, annotations, type and immutable', () => {
  const built = buildSealedSecret({
    metadata: {
      name: 'db',
      namespace: 'prod',
      labels: { app: 'db' },
      annotations: { team: 'x', 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"pw":"c2VjcmV0"}}' },
      // Server-side fields a Secret read from a cluster carries; they must not survive.
      ...({
        uid: 'u',
        resourceVersion: '5',
        managedFields: [{}],
        ownerReferences: [{}],
        creationTimestamp: 't',
        generation: 2,
      } as object),
    },
    template: {
      type: 'kubernetes.io/tls',
      immutable: true,
      labels: { app: 'db' },
      annotations: { 'gitseal.dev/namespace-wide': 'true', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    },
    encryptedData: { 'tls.crt': SEALED, 'tls.key': SEALED },
  });
  assert.deepEqual(built, {
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'db', namespace: 'prod', labels: { app: 'db' }, annotations: { team: 'x' } },
    spec: {
      encryptedData: { 'tls.crt': SEALED, 'tls.key': SEALED },
      template: {
        metadata: {
          name: 'db',
          namespace: 'prod',
          labels: { app: 'db' },
          annotations: { 'gitseal.dev/namespace-wide': 'true' },
        },
        type: 'kubernetes.io/tls',
        immutable: true,
      },
    },
  });
  assert.equal(validateSealedSecret(built, 'built').metadata.name, 'db');
});

test('Bitnami apiVersion and minimal input', () => {
  const built = buildSealedSecret({
    apiVersion: 'bitnami.com/v1alpha1',
    metadata: { name: 'a' },
    encryptedData: { k: SEALED },
  });
  assert.deepEqual(built, {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'a' },
    spec: { encryptedData: { k: SEALED }, template: { metadata: { name: 'a' } } },
  });
});

test('refuses a missing name and bad keys', () => {
  assert.throws(() => buildSealedSecret({ metadata: {}, encryptedData: { k: SEALED } }), ManifestError);
  assert.throws(
    () => buildSealedSecret({ metadata: { name: 'a' }, encryptedData: { 'a/b': SEALED } }),
    /key "a\/b" is invalid/,
  );
  assert.throws(() => buildSealedSecret({ metadata: { name: 'a' }, encryptedData: { k: '' } }), /key "k" is invalid/);
});
