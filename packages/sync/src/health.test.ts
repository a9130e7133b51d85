import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import { HealthStatus, objectHealth } from './health.js';

const deployment = (status: Record<string, unknown>, generation = 2, replicas = 2): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'prod', generation },
  spec: { replicas },
  status,
});
const ready = { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2 };

describe('objectHealth', () => {
  it('reads a Deployment rollout: generation, updated, old, available, ready, deadline', () => {
    assert.equal(objectHealth(deployment(ready)).status, HealthStatus.Current);
    assert.match(
      objectHealth(deployment({ ...ready, observedGeneration: 1 })).message,
      /observedGeneration 1 < generation 2/,
    );
    assert.equal(objectHealth(deployment({ ...ready, updatedReplicas: 1 })).status, HealthStatus.InProgress);
    assert.match(objectHealth(deployment({ ...ready, replicas: 3 })).message, /1 old replicas/);
    assert.match(objectHealth(deployment({ ...ready, availableReplicas: 1 })).message, /1\/2 replicas available/);
    assert.match(objectHealth(deployment({ ...ready, readyReplicas: 0 })).message, /0\/2 replicas ready/);
    const stuck = {
      ...ready,
      updatedReplicas: 1,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    };
    assert.equal(objectHealth(deployment(stuck)).status, HealthStatus.Failed);
    assert.equal(objectHealth(deployment({})).status, HealthStatus.InProgress);
  });

  it('reads StatefulSets and DaemonSets', () => {
    const sts = (status: Record<string, unknown>): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', generation: 1 },
      spec: { replicas: 3 },
      status: { observedGeneration: 1, ...status },
    });
    assert.equal(
      objectHealth(sts({ readyReplicas: 3, updatedReplicas: 3, currentRevision: 'a', updateRevision: 'a' })).status,
      HealthStatus.Current,
    );
    assert.equal(objectHealth(sts({ readyReplicas: 2, updatedReplicas: 3 })).status, HealthStatus.InProgress);
    assert.equal(
      objectHealth(sts({ readyReplicas: 3, updatedReplicas: 3, currentRevision: 'a', updateRevision: 'b' })).status,
      HealthStatus.InProgress,
    );
    const ds = (status: Record<string, unknown>): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', generation: 1 },
      status: { observedGeneration: 1, desiredNumberScheduled: 2, ...status },
    });
    assert.equal(
      objectHealth(ds({ updatedNumberScheduled: 2, numberAvailable: 2, numberReady: 2 })).status,
      HealthStatus.Current,
    );
    assert.equal(
      objectHealth(ds({ updatedNumberScheduled: 2, numberAvailable: 1, numberReady: 2 })).status,
      HealthStatus.InProgress,
    );
  });

  it('reads Jobs, SealedSecrets and any Ready or Stalled condition', () => {
    const job = (conditions: unknown[]): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      status: { conditions },
    });
    assert.equal(objectHealth(job([{ type: 'Complete', status: 'True' }])).status, HealthStatus.Current);
    assert.equal(
      objectHealth(job([{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }])).message,
      'job failed (BackoffLimitExceeded)',
    );
    assert.equal(objectHealth(job([])).status, HealthStatus.InProgress);
    const ss = (status: Record<string, unknown>): KubeObject => ({
      apiVersion: 'gitseal.dev/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 's', generation: 1 },
      status,
    });
    assert.equal(
      objectHealth(ss({ observedGeneration: 1, conditions: [{ type: 'Synced', status: 'True' }] })).status,
      HealthStatus.Current,
    );
    assert.equal(
      objectHealth(
        ss({ observedGeneration: 1, conditions: [{ type: 'Synced', status: 'False', reason: 'UnsealFailed' }] }),
      ).status,
      HealthStatus.Failed,
    );
    assert.equal(objectHealth(ss({})).status, HealthStatus.InProgress);
    const cr = (conditions: unknown[]): KubeObject => ({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      status: { conditions },
    });
    assert.equal(objectHealth(cr([{ type: 'Ready', status: 'True' }])).status, HealthStatus.Current);
    assert.equal(
      objectHealth(cr([{ type: 'Ready', status: 'False', reason: 'Waiting' }])).message,
      'not ready (Waiting)',
    );
    assert.equal(objectHealth(cr([{ type: 'Stalled', status: 'True' }])).status, HealthStatus.Failed);
    assert.equal(
      objectHealth({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }).status,
      HealthStatus.Current,
    );
  });
});
