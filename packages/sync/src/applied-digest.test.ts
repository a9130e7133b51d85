import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import {
  APPLIED_DIGEST_ANNOTATION,
  appliedDigest,
  appliedRecord,
  carriesDigestOf,
  isUnchanged,
  withAppliedDigest,
} from './applied-digest.js';
import { liveScopes } from './live-objects.js';
import { ownedMetadata } from './owned-metadata.js';
import { SYNC_LABEL } from './sync-label.js';

const cm = (data: Record<string, string>, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'prod', labels: { [SYNC_LABEL]: 'prod.app' }, ...extra },
  data,
});

describe('applied digest', () => {
  it('is stable, ignores its own annotation and sees every change', () => {
    const desired = withAppliedDigest(cm({ a: '1' }));
    assert.equal(desired.metadata?.annotations?.[APPLIED_DIGEST_ANNOTATION], appliedDigest(cm({ a: '1' })));
    assert.equal(appliedDigest(desired), appliedDigest(cm({ a: '1' })));
    assert.notEqual(appliedDigest(cm({ a: '2' })), appliedDigest(cm({ a: '1' })));
    assert.match(appliedDigest(cm({})), /^sha256:[0-9a-f]{64}$/);
  });

  it('skips only an unchanged, unedited live object', () => {
    const desired = withAppliedDigest(cm({ a: '1' }));
    const digest = appliedDigest(cm({ a: '1' }));
    const live = { ...desired, metadata: { ...desired.metadata, resourceVersion: '10' } };
    assert.equal(isUnchanged(desired, undefined), false);
    assert.equal(isUnchanged(desired, live), false, 'no record: nothing is known (the caller dry-runs)');
    assert.equal(carriesDigestOf(desired, live), true);
    assert.equal(isUnchanged(desired, live, appliedRecord(digest, live)), true);
    const edited = { ...live, metadata: { ...live.metadata, resourceVersion: '11' } };
    assert.equal(isUnchanged(desired, edited, appliedRecord(digest, live)), false, 'edited since our write');
    const relabelled = { ...live, metadata: { ...live.metadata, labels: {} } };
    assert.equal(isUnchanged(desired, relabelled, appliedRecord(digest, relabelled)), false);
    assert.equal(carriesDigestOf(desired, relabelled), false);
    assert.equal(
      isUnchanged(withAppliedDigest(cm({ a: '2' })), live, appliedRecord(digest, live)),
      false,
      'new desired state',
    );
    const withGeneration = { ...live, metadata: { ...live.metadata, generation: 3, resourceVersion: '12' } };
    const record = appliedRecord(digest, {
      ...withGeneration,
      metadata: { ...withGeneration.metadata, resourceVersion: '5' },
    });
    assert.equal(isUnchanged(desired, withGeneration, record), true, 'status writes move resourceVersion only');
    assert.equal(
      isUnchanged(desired, { ...withGeneration, metadata: { ...withGeneration.metadata, generation: 4 } }, record),
      false,
    );
  });

  it('sees a hand edit of a label gitseal set even when the generation stays the same', () => {
    const git = cm({ a: '1' }, { generation: 2, labels: { [SYNC_LABEL]: 'prod.app', tier: 'web' } });
    const desired = withAppliedDigest(git);
    const digest = appliedDigest(git);
    const live = { ...desired, metadata: { ...desired.metadata, resourceVersion: '7', generation: 2 } };
    const record = appliedRecord(digest, live, ownedMetadata(desired, live));
    assert.equal(isUnchanged(desired, live, record), true);
    const otherLabel = { ...live, metadata: { ...live.metadata, labels: { ...live.metadata.labels, extra: 'x' } } };
    assert.equal(isUnchanged(desired, otherLabel, record), true, 'labels gitseal does not set are not its business');
    const edited = { ...live, metadata: { ...live.metadata, labels: { ...live.metadata.labels, tier: 'hacked' } } };
    assert.equal(isUnchanged(desired, edited, record), false);
  });
});

describe('liveScopes', () => {
  it('lists each kind once per namespace, from the revision and the previous inventory', () => {
    const scopes = liveScopes(
      [
        cm({}),
        cm({}, { name: 'd' }),
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } },
      ],
      [
        { id: 'dev_x__ConfigMap', v: 'v1' },
        { id: 'prod_web_apps_Deployment', v: 'apps/v1' },
        { id: 'broken', v: 'v1' },
      ],
    );
    assert.deepEqual(scopes, [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'dev' },
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'prod' },
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'prod' },
    ]);
  });
});
