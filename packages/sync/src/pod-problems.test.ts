import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '@gitseal/manifests';
import { containerProblems, describeProblem, worstProblem } from './pod-problems.js';

const pod = (name: string, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', ...meta },
  status,
});
const waiting = (name: string, reason: string, restartCount = 0, extra: Record<string, unknown> = {}) => ({
  name,
  restartCount,
  state: { waiting: { reason, message: `secret-ish message for ${name}` } },
  ...extra,
});

describe('pod problems', () => {
  it('names crash loops and image failures of containers and init containers, never messages', () => {
    const p = pod('web-1', {
      initContainerStatuses: [waiting('migrate', 'CrashLoopBackOff', 3)],
      containerStatuses: [
        waiting('app', 'ErrImageNeverPull'),
        waiting('side', 'ContainerCreating'),
        { name: 'ok', restartCount: 0, state: { running: {} } },
      ],
    });
    const problems = containerProblems(p);
    assert.deepEqual(
      problems.map((x) => [x.container, x.reason, x.fatal]),
      [
        ['migrate', 'CrashLoopBackOff', true],
        ['app', 'ErrImageNeverPull', true],
      ],
    );
    assert.ok(!problems.map(describeProblem).join(' ').includes('secret-ish'));
  });

  it('describes restarts and the last exit (reason and code only)', () => {
    const [p] = containerProblems(
      pod('web-1', {
        containerStatuses: [
          waiting('app', 'CrashLoopBackOff', 1, {
            lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, message: 'log line with a token' } },
          }),
        ],
      }),
    );
    assert.equal(
      describeProblem(p!),
      'pod web-1 container app: CrashLoopBackOff (1 restart, last exit: OOMKilled, exit code 137)',
    );
  });

  it('passing problems are reported but not fatal', () => {
    const [p] = containerProblems(pod('web-1', { containerStatuses: [waiting('app', 'CreateContainerConfigError')] }));
    assert.equal(p?.fatal, false);
    assert.equal(containerProblems(pod('web-1', {})).length, 0);
  });

  it('the worst problem: fatal first, then most restarts; terminating Pods are left out', () => {
    const pods = [
      pod('a', { containerStatuses: [waiting('app', 'ErrImagePull', 0)] }),
      pod('b', { containerStatuses: [waiting('app', 'CrashLoopBackOff', 2)] }),
      pod('c', { containerStatuses: [waiting('app', 'CrashLoopBackOff', 5)] }),
      pod(
        'd',
        { containerStatuses: [waiting('app', 'CrashLoopBackOff', 9)] },
        { deletionTimestamp: '2026-01-01T00:00:00Z' },
      ),
    ];
    assert.equal(worstProblem(pods)?.pod, 'c');
    assert.equal(worstProblem([pods[0]!])?.reason, 'ErrImagePull');
    assert.equal(worstProblem([]), undefined);
  });
});
