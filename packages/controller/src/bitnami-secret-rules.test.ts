import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SealedSecret, Secret } from '@gitseal/manifests';
import { applySecretRules, NO_RULES, secretRules } from './bitnami-secret-rules.js';
import { secretOwnership, Ownership, secretMatches } from './desired-secret.js';

const SKIP = 'sealedsecrets.bitnami.com/skip-set-owner-references';
const PATCH = 'sealedsecrets.bitnami.com/patch';
const MANAGED = 'sealedsecrets.bitnami.com/managed';

function sealed(apiVersion: string, templateAnnotations: Record<string, string> = {}): SealedSecret {
  return {
    apiVersion,
    kind: 'SealedSecret',
    metadata: { name: 's', namespace: 'ns', uid: 'uid-ss' },
    spec: { encryptedData: { a: 'AAAA' }, template: { metadata: { annotations: templateAnnotations } } },
  } as SealedSecret;
}

function secret(annotations: Record<string, string>, extra: Partial<Secret> = {}): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 's',
      namespace: 'ns',
      annotations,
      labels: { team: 'x' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'uid-d' }],
    },
    type: 'Opaque',
    data: { keep: 'a2VlcA==', a: 'b2xk' },
    ...extra,
  };
}

const ours = { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', name: 's', uid: 'uid-ss', controller: true };
const desired: Secret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's', namespace: 'ns', labels: { app: 'y' }, annotations: { note: 'n' }, ownerReferences: [ours] },
  type: 'kubernetes.io/basic-auth',
  data: { a: 'bmV3' },
};

test('rules: read from the template (skip) and the existing Secret (patch, managed); bitnami.com only', () => {
  const bitnami = sealed('bitnami.com/v1alpha1', { [SKIP]: 'true' });
  assert.deepEqual(secretRules(bitnami, secret({ [PATCH]: 'true', [MANAGED]: 'true' })), {
    skipOwnerReferences: true,
    patch: true,
    managed: true,
  });
  assert.deepEqual(secretRules(sealed('bitnami.com/v1alpha1'), undefined), NO_RULES);
  assert.deepEqual(secretRules(sealed('bitnami.com/v1alpha1', { [SKIP]: 'yes' }), undefined), NO_RULES);
  assert.deepEqual(
    secretRules(sealed('gitseal.dev/v1alpha1', { [SKIP]: 'true' }), secret({ [PATCH]: 'true' })),
    NO_RULES,
  );
});

test('skip-set-owner-references: no ownerReference; secretMatches then does not ask for one', () => {
  const shaped = applySecretRules(desired, undefined, { ...NO_RULES, skipOwnerReferences: true });
  assert.equal(shaped.metadata.ownerReferences, undefined);
  assert.ok(desired.metadata.ownerReferences, 'the input is not changed');
  assert.ok(secretMatches({ ...shaped, metadata: { ...shaped.metadata } }, shaped));
});

test('patch: keys, labels and annotations merged, the SealedSecret wins; ownerReferences kept unless managed', () => {
  const existing = secret({ [PATCH]: 'true', other: 'o' });
  const patched = applySecretRules(desired, existing, { ...NO_RULES, patch: true });
  assert.deepEqual(patched.data, { keep: 'a2VlcA==', a: 'bmV3' });
  assert.deepEqual(patched.metadata.labels, { team: 'x', app: 'y' });
  assert.deepEqual(patched.metadata.annotations, { [PATCH]: 'true', other: 'o', note: 'n' });
  assert.deepEqual(patched.metadata.ownerReferences, existing.metadata.ownerReferences);
  assert.equal(patched.type, 'kubernetes.io/basic-auth');
  const managed = applySecretRules(desired, existing, { ...NO_RULES, patch: true, managed: true });
  assert.deepEqual(managed.metadata.ownerReferences, [ours]);
  const bare = applySecretRules(desired, secret({}, { metadata: { name: 's', namespace: 'ns' } }), {
    ...NO_RULES,
    patch: true,
  });
  assert.equal(bare.metadata.ownerReferences, undefined);
});

test('ownership: patch or managed on a bitnami.com object hands the Secret over; another controller keeps it', () => {
  const bitnami = sealed('bitnami.com/v1alpha1');
  const unowned = (annotations: Record<string, string>): Secret => {
    const s = secret(annotations);
    return { ...s, metadata: { ...s.metadata, ownerReferences: [] } };
  };
  assert.equal(secretOwnership(unowned({ [PATCH]: 'true' }), bitnami), Ownership.Managed);
  assert.equal(secretOwnership(unowned({ [MANAGED]: 'true' }), bitnami), Ownership.Managed);
  assert.equal(secretOwnership(unowned({}), bitnami), Ownership.Foreign);
  assert.equal(secretOwnership(unowned({ [PATCH]: 'true' }), sealed('gitseal.dev/v1alpha1')), Ownership.Foreign);
  const controlled = secret({ [PATCH]: 'true' });
  controlled.metadata.ownerReferences = [{ ...ours, uid: 'someone-else', kind: 'Other' }];
  assert.equal(secretOwnership(controlled, bitnami), Ownership.Foreign);
});
