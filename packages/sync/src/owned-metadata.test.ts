import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import { ownedMetadata, pickOwnedMetadata, sameOwnedMetadata } from './owned-metadata.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const secret = (labels: Record<string, string>, annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's', namespace: 'ns', labels, annotations },
});

describe('owned metadata', () => {
  it('covers the keys Git sets, never kubectl last-applied-configuration, and sees their edits', () => {
    const desired = secret({ tier: 'db' }, { note: 'a', [LAST_APPLIED]: '{"data":{"password":"c2VjcmV0"}}' });
    const owned = ownedMetadata(desired, desired);
    assert.deepEqual(
      { labels: owned.labels, annotations: owned.annotations },
      { labels: ['tier'], annotations: ['note'] },
    );
    assert.equal(sameOwnedMetadata(desired, owned), true);
    const otherLastApplied = secret({ tier: 'db', extra: 'x' }, { note: 'a', [LAST_APPLIED]: 'changed', other: 'y' });
    assert.equal(sameOwnedMetadata(otherLastApplied, owned), true, 'other keys are not read');
    assert.equal(sameOwnedMetadata(secret({ tier: 'x' }, { note: 'a' }), owned), false);
    assert.equal(sameOwnedMetadata(secret({}, { note: 'a' }), owned), false, 'removed');
    assert.equal(sameOwnedMetadata(secret({ tier: 'db' }, {}), owned), false);
  });

  it('leaves out labels and annotations ignored by spec.ignoreDifferences', () => {
    const desired = secret({ tier: 'db', scaled: '1' }, {});
    const owned = ownedMetadata(desired, desired, [['metadata', 'labels', 'scaled']]);
    assert.deepEqual(owned.labels, ['tier']);
    assert.equal(sameOwnedMetadata(secret({ tier: 'db', scaled: '9' }, {}), owned), true);
  });

  it('picks only the owned keys for a cache, never last-applied-configuration', () => {
    const live = secret({ tier: 'db', team: 'x' }, { note: 'a', [LAST_APPLIED]: '{"data":{}}' });
    assert.deepEqual(pickOwnedMetadata(live.metadata, { labels: ['tier'], annotations: ['note', LAST_APPLIED] }), {
      labels: { tier: 'db' },
      annotations: { note: 'a' },
    });
    assert.deepEqual(pickOwnedMetadata(live.metadata, { labels: [], annotations: [] }), {});
  });
});
