import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import { isWorkload, rolloutPods, selectorString } from './workload-pods.js';

const pod = (name: string, labels: Record<string, string>, created = '2026-01-01T00:00:00Z'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels, creationTimestamp: created },
});
const names = (pods: KubeObject[]) => pods.map((p) => p.metadata?.name);

describe('workload pods', () => {
  it('turns a LabelSelector into a selector string, refusing what is not a label', () => {
    assert.equal(
      selectorString({ matchLabels: { app: 'web', 'app.kubernetes.io/part-of': 'shop' } }),
      'app=web,app.kubernetes.io/part-of=shop',
    );
    assert.equal(
      selectorString({
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'canary', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
      'tier in (a,b),env notin (dev),canary,!legacy',
    );
    assert.equal(selectorString({}), undefined);
    assert.equal(selectorString(undefined), undefined);
    assert.equal(selectorString({ matchLabels: { app: 'web,admin=true' } }), undefined);
    assert.equal(selectorString({ matchLabels: { 'a b': 'x' } }), undefined);
    assert.equal(selectorString({ matchExpressions: [{ key: 'x', operator: 'Gt', values: ['1'] }] }), undefined);
  });

  it('only Deployments, StatefulSets and DaemonSets', () => {
    assert.ok(isWorkload({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'w' } }));
    assert.ok(!isWorkload({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'w' } }));
    assert.ok(!isWorkload({ apiVersion: 'example.com/v1', kind: 'Deployment', metadata: { name: 'w' } }));
  });

  it("picks the rollout's Pods, so an old revision's crash loop is not blamed on the new one", () => {
    const old = pod('old', {
      'pod-template-hash': 'aaa',
      'controller-revision-hash': 'r1',
      'pod-template-generation': '1',
    });
    const next = pod(
      'new',
      { 'pod-template-hash': 'bbb', 'controller-revision-hash': 'r2', 'pod-template-generation': '2' },
      '2026-01-01T00:05:00Z',
    );
    const deployment = (status: Record<string, unknown>): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', generation: 2 },
      status: { observedGeneration: 2, ...status },
    });
    assert.deepEqual(names(rolloutPods(deployment({ updatedReplicas: 1 }), [old, next])), ['new']);
    assert.deepEqual(names(rolloutPods(deployment({ updatedReplicas: 0 }), [old, next])), []);
    assert.deepEqual(names(rolloutPods(deployment({ updatedReplicas: 1, observedGeneration: 1 }), [old, next])), []);
    const sts: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      status: { updateRevision: 'r2' },
    };
    assert.deepEqual(names(rolloutPods(sts, [old, next])), ['new']);
    const ds: KubeObject = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', generation: 2 } };
    assert.deepEqual(names(rolloutPods(ds, [old, next])), ['new']);
  });
});
