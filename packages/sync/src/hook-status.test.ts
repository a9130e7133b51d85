import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import { hookOutcome } from './hook-status.js';

const job = (status: Record<string, unknown>): KubeObject => ({ apiVersion: 'batch/v1', kind: 'Job', status });
const pod = (status: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', status });

describe('hookOutcome', () => {
  it('reads a Job by its Complete and Failed conditions', () => {
    assert.deepEqual(hookOutcome(job({})), { state: 'Running', message: 'job not complete' });
    assert.deepEqual(hookOutcome(job({ conditions: [{ type: 'Complete', status: 'True' }] })), {
      state: 'Succeeded',
      message: 'job complete',
    });
    assert.deepEqual(
      hookOutcome(
        job({ conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'some log' }] }),
      ),
      { state: 'Failed', message: 'job failed (BackoffLimitExceeded)' },
    );
    assert.equal(hookOutcome(job({ conditions: [{ type: 'FailureTarget', status: 'True' }] })).state, 'Failed');
    assert.equal(hookOutcome(job({ conditions: [{ type: 'Complete', status: 'False' }] })).state, 'Running');
  });

  it('reads a Pod by its phase, with exit codes but never messages', () => {
    assert.deepEqual(hookOutcome(pod({ phase: 'Running' })), { state: 'Running', message: 'pod Running' });
    assert.deepEqual(hookOutcome(pod({})), { state: 'Running', message: 'pod pending' });
    assert.deepEqual(hookOutcome(pod({ phase: 'Succeeded' })), { state: 'Succeeded', message: 'pod succeeded' });
    const failed = pod({
      phase: 'Failed',
      message: 'password=hunter2',
      containerStatuses: [
        { name: 'main', state: { terminated: { exitCode: 3, message: 'password=hunter2' } } },
        { name: 'side', state: { terminated: { exitCode: 0 } } },
      ],
    });
    assert.deepEqual(hookOutcome(failed), { state: 'Failed', message: 'pod failed, exit code main=3' });
  });

  it('keeps reasons that are not plain words out of messages', () => {
    const weird = job({ conditions: [{ type: 'Failed', status: 'True', reason: 'has spaces: secret' }] });
    assert.deepEqual(hookOutcome(weird), { state: 'Failed', message: 'job failed' });
  });

  it('reads other kinds by their health: nothing to wait for is done, Ready waits, Stalled fails', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } };
    assert.equal(hookOutcome(cm).state, 'Succeeded');
    const notReady = {
      apiVersion: 'example.com/v1',
      kind: 'Task',
      status: { conditions: [{ type: 'Ready', status: 'False' }] },
    };
    assert.equal(hookOutcome(notReady).state, 'Running');
    const stalled = {
      apiVersion: 'example.com/v1',
      kind: 'Task',
      status: { conditions: [{ type: 'Stalled', status: 'True' }] },
    };
    assert.equal(hookOutcome(stalled).state, 'Failed');
  });
});
