import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import { APPLIED_DIGEST_ANNOTATION, appliedDigest, withAppliedDigest } from './applied-digest.js';
import { desiredObject, desiredObjects, targetNamespaceOf } from './desired-object.js';
import { planApply } from './plan-apply.js';
import { SYNC_LABEL } from './sync-label.js';

const cm = (name: string, namespace?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(namespace ? { namespace } : {}), labels: { app: 'web' } },
  data: { a: '1' },
});
const gitSync = { metadata: { namespace: 'team', name: 'apps' } };

describe('desiredObject', () => {
  it('adds the sync label and the digest of the labelled object, and maps a desired object to itself', () => {
    const desired = desiredObject(cm('c', 'team'), 'team.apps');
    assert.deepEqual(desired.metadata?.labels, { app: 'web', [SYNC_LABEL]: 'team.apps' });
    const labelled = {
      ...cm('c', 'team'),
      metadata: { ...cm('c', 'team').metadata, labels: desired.metadata?.labels },
    };
    assert.equal(desired.metadata?.annotations?.[APPLIED_DIGEST_ANNOTATION], appliedDigest(labelled));
    assert.deepEqual(desiredObject(desired, 'team.apps'), desired);
    assert.deepEqual(withAppliedDigest(desired), desired, 'apply adds nothing more');
    assert.notEqual(
      desiredObject(cm('c', 'team'), 'team.other').metadata?.annotations?.[APPLIED_DIGEST_ANNOTATION],
      desired.metadata?.annotations?.[APPLIED_DIGEST_ANNOTATION],
      'the label is part of what is applied',
    );
    assert.equal(desiredObject(cm('c', 'team'), undefined).metadata?.labels?.[SYNC_LABEL], undefined);
  });
});

describe('desiredObjects', () => {
  it('labels every object and keeps the namespaces resolveObjectScopes gave (none for cluster-scoped kinds)', () => {
    assert.equal(targetNamespaceOf(gitSync), 'team');
    assert.equal(targetNamespaceOf({ ...gitSync, spec: { targetNamespace: 'prod' } }), 'prod');
    const gate: KubeObject = { apiVersion: 'example.com/v1', kind: 'Gate', metadata: { name: 'g' } };
    const out = desiredObjects(
      [
        { object: cm('a', 'prod'), source: 'a#0' },
        { object: cm('b', 'elsewhere'), source: 'b#0' },
        { object: gate, source: 'g#0' },
      ],
      { ...gitSync, spec: { targetNamespace: 'prod' } },
    );
    assert.deepEqual(
      out.map((o) => o.object.metadata?.namespace),
      ['prod', 'elsewhere', undefined],
    );
    assert.deepEqual(
      out.map((o) => o.source),
      ['a#0', 'b#0', 'g#0'],
    );
    for (const { object } of out) assert.equal(object.metadata?.labels?.[SYNC_LABEL], 'team.apps');
  });

  it('is what planApply hands to apply', () => {
    const rendered = [{ object: cm('a', 'team'), source: 'a#0' }];
    const plan = planApply(rendered, gitSync);
    assert.deepEqual(
      plan.objects.map((o) => o.object),
      desiredObjects(rendered, gitSync).map((o) => o.object),
    );
  });
});
