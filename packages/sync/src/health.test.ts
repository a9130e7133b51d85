import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import { HealthStatus, objectHealth, type Health } from './health.js';

const { Current, InProgress, Failed } = HealthStatus;
type Status = Record<string, unknown>;
const obj = (apiVersion: string, kind: string, status: Status, spec: Status = {}, meta: Status = {}): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'prod', ...meta },
  spec,
  status,
});
const is = (health: Health, status: HealthStatus, message?: RegExp) => {
  assert.equal(health.status, status, health.message);
  if (message) assert.match(health.message, message);
};

describe('objectHealth: kstatus generic properties', () => {
  const widget = (status: Status, meta: Status = { generation: 3 }) =>
    obj('example.com/v1', 'Widget', status, {}, meta);

  it('a generation not yet observed is InProgress, only when both are set', () => {
    is(objectHealth(widget({ observedGeneration: 2 })), InProgress, /observedGeneration 2 < generation 3/);
    is(objectHealth(widget({ observedGeneration: 3 })), Current);
    // kstatus skips the check without status.observedGeneration.
    is(objectHealth(widget({})), Current, /no readiness to wait for/);
  });

  it('Reconciling=True is InProgress, Stalled=True is Failed, both before the kind rules', () => {
    is(
      objectHealth(widget({ conditions: [{ type: 'Reconciling', status: 'True', reason: 'Progressing' }] })),
      InProgress,
      /reconciling \(Progressing\)/,
    );
    is(
      objectHealth(widget({ conditions: [{ type: 'Stalled', status: 'True', reason: 'BadConfig' }] })),
      Failed,
      /stalled \(BadConfig\)/,
    );
    is(objectHealth(widget({ conditions: [{ type: 'Reconciling', status: 'False' }] })), Current);
    const stalledDeployment = obj('apps/v1', 'Deployment', {
      conditions: [{ type: 'Stalled', status: 'True' }],
    });
    is(objectHealth(stalledDeployment), Failed);
  });

  it('an object being deleted is InProgress', () => {
    is(objectHealth(widget({}, { deletionTimestamp: '2026-01-01T00:00:00Z' })), InProgress, /being deleted/);
  });

  it('a kind without rules: its Ready condition decides, none means nothing to wait for', () => {
    is(objectHealth(widget({ conditions: [{ type: 'Ready', status: 'True' }] })), Current);
    is(
      objectHealth(widget({ conditions: [{ type: 'Ready', status: 'False', reason: 'Waiting' }] })),
      InProgress,
      /not ready \(Waiting\)/,
    );
    is(objectHealth(widget({ conditions: [{ type: 'Ready', status: 'Unknown' }] })), InProgress);
  });

  it('never repeats a condition message, and only word-like reasons', () => {
    const h = objectHealth(
      widget({ conditions: [{ type: 'Ready', status: 'False', reason: 'p@ss w0rd', message: 'token=s3cret' }] }),
    );
    assert.equal(h.message, 'not ready');
  });

  it('always-ready kinds', () => {
    for (const [v, k] of [
      ['v1', 'ConfigMap'],
      ['v1', 'Secret'],
      ['batch/v1', 'CronJob'],
      ['policy/v1', 'PodDisruptionBudget'],
    ]) {
      is(objectHealth(obj(v!, k!, {})), Current);
    }
    // A PDB not yet observed is caught by the generic generation check.
    is(
      objectHealth(obj('policy/v1', 'PodDisruptionBudget', { observedGeneration: 1 }, {}, { generation: 2 })),
      InProgress,
    );
  });
});

describe('objectHealth: Deployment (kstatus deploymentConditions)', () => {
  const done = {
    observedGeneration: 2,
    replicas: 2,
    updatedReplicas: 2,
    availableReplicas: 2,
    readyReplicas: 2,
    conditions: [
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
    ],
  };
  const d = (status: Status, spec: Status = { replicas: 2, progressDeadlineSeconds: 600 }) =>
    obj('apps/v1', 'Deployment', status, spec, { generation: 2 });

  it('is Current when rolled out, available and the new ReplicaSet is available', () => {
    is(objectHealth(d(done)), Current, /2\/2 replicas ready/);
  });

  it('walks the counts in kstatus order', () => {
    is(objectHealth(d({ ...done, replicas: 1 })), InProgress, /1\/2 replicas$/);
    is(objectHealth(d({ ...done, updatedReplicas: 1 })), InProgress, /1\/2 replicas updated/);
    is(objectHealth(d({ ...done, replicas: 3 })), InProgress, /1 old replicas pending termination/);
    is(objectHealth(d({ ...done, availableReplicas: 1 })), InProgress, /1\/2 replicas available/);
    is(objectHealth(d({ ...done, readyReplicas: 1 })), InProgress, /1\/2 replicas ready/);
    is(objectHealth(d({})), InProgress);
  });

  it('needs Progressing=NewReplicaSetAvailable (with a deadline) and Available=True', () => {
    is(objectHealth(d({ ...done, conditions: [{ type: 'Available', status: 'True' }] })), InProgress, /new ReplicaSet/);
    // Without progressDeadlineSeconds the controller sets no Progressing condition.
    is(objectHealth(d({ ...done, conditions: [{ type: 'Available', status: 'True' }] }, { replicas: 2 })), Current);
    is(objectHealth(d({ ...done, conditions: [done.conditions[0]] })), InProgress, /not Available/);
  });

  it('fails on ProgressDeadlineExceeded, before any count', () => {
    const stuck = {
      ...done,
      updatedReplicas: 1,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    };
    is(objectHealth(d(stuck)), Failed, /^progress deadline exceeded$/);
  });

  it('defaults spec.replicas to 1 and waits for a newer generation to be observed', () => {
    is(
      objectHealth(
        d(
          { ...done, replicas: 1, updatedReplicas: 1, availableReplicas: 1, readyReplicas: 1 },
          { progressDeadlineSeconds: 600 },
        ),
      ),
      Current,
    );
    is(objectHealth(d({ ...done, observedGeneration: 1 })), InProgress, /observedGeneration 1 < generation 2/);
  });
});

describe('objectHealth: ReplicaSet, StatefulSet, DaemonSet', () => {
  it('ReplicaSet: ReplicaFailure, labelled, available, ready, extra', () => {
    const rs = (status: Status) => obj('apps/v1', 'ReplicaSet', status, { replicas: 2 });
    const ok = { replicas: 2, fullyLabeledReplicas: 2, availableReplicas: 2, readyReplicas: 2 };
    is(objectHealth(rs(ok)), Current);
    is(
      objectHealth(rs({ ...ok, conditions: [{ type: 'ReplicaFailure', status: 'True' }] })),
      InProgress,
      /replica failure/,
    );
    is(objectHealth(rs({ ...ok, fullyLabeledReplicas: 1 })), InProgress, /labelled/);
    is(objectHealth(rs({ ...ok, availableReplicas: 1 })), InProgress, /available/);
    is(objectHealth(rs({ ...ok, readyReplicas: 1 })), InProgress, /ready/);
    is(objectHealth(rs({ ...ok, replicas: 3 })), InProgress, /extra/);
  });

  it('StatefulSet: replicas, ready, extra, current, revision; OnDelete and partitions', () => {
    const sts = (status: Status, spec: Status = { replicas: 3 }) =>
      obj('apps/v1', 'StatefulSet', { observedGeneration: 1, ...status }, spec, { generation: 1 });
    const ok = {
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      currentRevision: 'a',
      updateRevision: 'a',
    };
    is(objectHealth(sts(ok)), Current);
    is(objectHealth(sts({ ...ok, replicas: 2 })), InProgress, /2\/3 replicas$/);
    is(objectHealth(sts({ ...ok, readyReplicas: 2 })), InProgress, /2\/3 replicas ready/);
    is(objectHealth(sts({ ...ok, replicas: 4 })), InProgress, /extra/);
    is(objectHealth(sts({ ...ok, currentReplicas: 2 })), InProgress, /current/);
    is(objectHealth(sts({ ...ok, updateRevision: 'b' })), InProgress, /update revision/);
    is(objectHealth(sts({}, { replicas: 3, updateStrategy: { type: 'OnDelete' } })), Current, /OnDelete/);
    const partitioned = { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } };
    is(
      objectHealth(sts({ ...ok, updatedReplicas: 0, updateRevision: 'b' }, partitioned)),
      InProgress,
      /0\/1 partition/,
    );
    is(
      objectHealth(sts({ ...ok, updatedReplicas: 1, updateRevision: 'b' }, partitioned)),
      Current,
      /partition rollout complete/,
    );
  });

  it('DaemonSet: needs both generations, then scheduled, updated, available, ready', () => {
    const ds = (status: Status, meta: Status = { generation: 1 }) => obj('apps/v1', 'DaemonSet', status, {}, meta);
    const ok = {
      observedGeneration: 1,
      desiredNumberScheduled: 2,
      currentNumberScheduled: 2,
      updatedNumberScheduled: 2,
      numberAvailable: 2,
      numberReady: 2,
    };
    is(objectHealth(ds(ok)), Current, /2\/2 pods ready/);
    is(objectHealth(ds(ok, {})), InProgress, /metadata.generation not set/);
    is(objectHealth(ds({ ...ok, observedGeneration: undefined })), InProgress, /observedGeneration not set/);
    is(objectHealth(ds({ ...ok, desiredNumberScheduled: undefined })), InProgress, /desiredNumberScheduled/);
    is(objectHealth(ds({ ...ok, currentNumberScheduled: 1 })), InProgress, /scheduled/);
    is(objectHealth(ds({ ...ok, updatedNumberScheduled: 1 })), InProgress, /updated/);
    is(objectHealth(ds({ ...ok, numberAvailable: 1 })), InProgress, /available/);
    is(objectHealth(ds({ ...ok, numberReady: 1 })), InProgress, /1\/2 pods ready/);
  });
});

describe('objectHealth: Pod, PVC, Service, Job, CRD, SealedSecret', () => {
  const now = Date.parse('2026-06-01T12:00:30Z');
  const pod = (status: Status, created = '2026-06-01T12:00:00Z') =>
    obj('v1', 'Pod', status, {}, { name: 'web-1', creationTimestamp: created });
  const crashing = {
    name: 'app',
    restartCount: 4,
    state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
    lastState: { terminated: { reason: 'Error', exitCode: 1, message: 'panic: password=hunter2' } },
  };

  it('Pod: phases, Ready, crash loops and image pulls, unschedulable after 15 s', () => {
    is(objectHealth(pod({ phase: 'Succeeded' }), { now }), Current);
    is(objectHealth(pod({ phase: 'Failed' }), { now }), Current, /not successfully/);
    is(objectHealth(pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }), { now }), Current);
    is(objectHealth(pod({ phase: 'Running' }), { now }), InProgress, /running, not ready/);
    const crash = objectHealth(pod({ phase: 'Running', containerStatuses: [crashing] }), { now });
    is(crash, Failed, /^pod web-1 container app: CrashLoopBackOff \(4 restarts, last exit: Error, exit code 1\)$/);
    assert.doesNotMatch(crash.message, /hunter2|back-off/);
    const pull = { name: 'app', restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } };
    is(
      objectHealth(pod({ phase: 'Pending', containerStatuses: [pull] }), { now }),
      Failed,
      /ImagePullBackOff \(0 restarts\)/,
    );
    const unschedulable = {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
    };
    is(objectHealth(pod(unschedulable, '2026-06-01T12:00:20Z'), { now }), InProgress, /not scheduled yet/);
    is(objectHealth(pod(unschedulable), { now }), Failed, /unschedulable/);
    is(objectHealth(pod({ phase: 'Pending' }), { now }), InProgress, /pending/);
    is(objectHealth(pod({}), { now }), InProgress, /not observed/);
  });

  it('PVC: Bound', () => {
    is(objectHealth(obj('v1', 'PersistentVolumeClaim', { phase: 'Bound' })), Current);
    is(objectHealth(obj('v1', 'PersistentVolumeClaim', { phase: 'Pending' })), InProgress, /phase Pending/);
    is(objectHealth(obj('v1', 'PersistentVolumeClaim', {})), InProgress, /phase unknown/);
  });

  it('Service: a LoadBalancer waits for its cluster IP, the others are ready', () => {
    is(objectHealth(obj('v1', 'Service', {}, { type: 'LoadBalancer' })), InProgress, /cluster IP/);
    is(objectHealth(obj('v1', 'Service', {}, { type: 'LoadBalancer', clusterIP: '10.0.0.7' })), Current);
    is(objectHealth(obj('v1', 'Service', {}, {})), Current);
  });

  it('Job: Complete, Failed, Suspended, not started, running (Current, as kstatus says)', () => {
    const job = (status: Status) => obj('batch/v1', 'Job', status, { completions: 2 });
    is(
      objectHealth(job({ succeeded: 2, conditions: [{ type: 'Complete', status: 'True' }] })),
      Current,
      /2\/2 succeeded/,
    );
    is(
      objectHealth(
        job({ failed: 3, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] }),
      ),
      Failed,
      /job failed \(BackoffLimitExceeded\), 3 failed pods/,
    );
    is(objectHealth(job({ conditions: [{ type: 'Suspended', status: 'True' }] })), Current, /suspended/);
    is(objectHealth(job({})), InProgress, /not started/);
    is(
      objectHealth(job({ startTime: '2026-06-01T12:00:00Z', active: 1 })),
      Current,
      /running, 0\/2 succeeded, 1 active/,
    );
  });

  it('CRD: NamesAccepted, Established', () => {
    const crd = (conditions: unknown[]) => obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', { conditions });
    is(objectHealth(crd([{ type: 'Established', status: 'True' }])), Current);
    is(objectHealth(crd([{ type: 'Established', status: 'False', reason: 'Installing' }])), InProgress);
    is(objectHealth(crd([{ type: 'Established', status: 'False', reason: 'Broken' }])), Failed);
    is(objectHealth(crd([{ type: 'NamesAccepted', status: 'False', reason: 'MultipleNamesNotAllowed' }])), Failed);
    is(objectHealth(crd([])), InProgress);
  });

  it('SealedSecret: Synced', () => {
    const ss = (status: Status, apiVersion = 'gitseal.dev/v1alpha1') =>
      obj(apiVersion, 'SealedSecret', status, {}, { generation: 1 });
    is(objectHealth(ss({ observedGeneration: 1, conditions: [{ type: 'Synced', status: 'True' }] })), Current);
    is(
      objectHealth(
        ss(
          { observedGeneration: 1, conditions: [{ type: 'Synced', status: 'False', reason: 'UnsealFailed' }] },
          'bitnami.com/v1alpha1',
        ),
      ),
      Failed,
      /UnsealFailed/,
    );
    is(objectHealth(ss({})), InProgress);
  });
});
