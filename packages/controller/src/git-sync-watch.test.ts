import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APPLIED_DIGEST_ANNOTATION, SYNC_LABEL } from '@gitseal/sync';
import { driftView, REQUESTED_AT_ANNOTATION, wantsSync } from './git-sync-watch.js';

describe('driftView', () => {
  it('keeps only the identity, versions, sync label, applied digest and writers of an applied object', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        namespace: 'app',
        uid: 'u-1',
        resourceVersion: '42',
        labels: { [SYNC_LABEL]: 'flux.apps', team: 'x' },
        annotations: { [APPLIED_DIGEST_ANNOTATION]: 'sha256:abc', note: 'y' },
        managedFields: [{ manager: 'gitseal', operation: 'Apply', time: new Date(0), fieldsV1: { f: 1 } }],
      },
      data: { password: 'c2VjcmV0' },
    };
    assert.deepEqual(driftView(secret), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        namespace: 'app',
        uid: 'u-1',
        resourceVersion: '42',
        labels: { [SYNC_LABEL]: 'flux.apps' },
        annotations: { [APPLIED_DIGEST_ANNOTATION]: 'sha256:abc' },
        managedFields: [{ manager: 'gitseal', operation: 'Apply', time: new Date(0) }],
      },
    });
  });

  it('keeps the labels and annotations gitseal set, never last-applied-configuration', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        generation: 2,
        labels: { [SYNC_LABEL]: 'ns.app', tier: 'web', team: 'x' },
        annotations: {
          [APPLIED_DIGEST_ANNOTATION]: 'sha256:abc',
          'kubectl.kubernetes.io/last-applied-configuration': '{"secret":"s3cr3t"}',
          owner: 'ops',
        },
      },
    };
    const owned = { labels: ['tier'], annotations: ['owner', 'kubectl.kubernetes.io/last-applied-configuration'] };
    assert.deepEqual(driftView(deployment, owned).metadata, {
      name: 'web',
      generation: 2,
      labels: { tier: 'web', [SYNC_LABEL]: 'ns.app' },
      annotations: { owner: 'ops', [APPLIED_DIGEST_ANNOTATION]: 'sha256:abc' },
    });
  });

  it('keeps generation and deletionTimestamp, and adds no empty labels or annotations', () => {
    const view = driftView({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', generation: 3, deletionTimestamp: new Date(0) },
    });
    assert.deepEqual(view.metadata, { name: 'web', generation: 3, deletionTimestamp: new Date(0) });
  });
});

describe('wantsSync', () => {
  it('asks for a sync on a new generation, a new manual trigger or a deletion, not on status writes', () => {
    const base = { metadata: { generation: 1, annotations: {} } };
    assert.equal(wantsSync(base, { metadata: { generation: 1, annotations: {} } }), false);
    assert.equal(wantsSync(base, { metadata: { generation: 2 } }), true);
    assert.equal(
      wantsSync(base, { metadata: { generation: 1, annotations: { [REQUESTED_AT_ANNOTATION]: 't' } } }),
      true,
    );
    assert.equal(wantsSync(base, { metadata: { generation: 1, deletionTimestamp: 'now' } }), true);
  });
});
