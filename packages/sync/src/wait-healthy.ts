import { setTimeout as sleep } from 'node:timers/promises';
import { KubeError, readObject, describeObject } from '@gitseal/kube';
import type { HealthCheckSpec, KubeObject } from '@gitseal/manifests';
import { compileHealthChecks, pollBudget } from './health-checks.js';
import { HealthStatus, objectHealth, type Health } from './health.js';
import type { ObjectApi } from './live-objects.js';
import { describeProblem } from './pod-problems.js';
import { isWorkload, workloadPodProblem, type PodAccess } from './workload-pods.js';

export interface WaitHealthyInput {
  readonly reader: ObjectApi;
  readonly objects: readonly KubeObject[];
  /** Epoch ms. */
  readonly deadline: number;
  readonly pollMs?: number;
  /**
   * The GitSync's spec.healthChecks (CEL per kind, replacing the built-in rules of that kind). An entry that does
   * not compile throws a SyncError (InvalidSpec) before anything is read.
   */
  readonly healthChecks?: readonly HealthCheckSpec[];
}

export interface Unhealthy {
  readonly object: string;
  readonly message: string;
}

export type WaitHealthyResult =
  | { readonly healthy: true }
  | {
      readonly healthy: false;
      readonly failed: boolean;
      readonly unhealthy: readonly Unhealthy[];
      readonly message: string;
    };

function summary(unhealthy: readonly Unhealthy[], failed: boolean): string {
  const shown = unhealthy.slice(0, 5).map((u) => `${u.object}: ${u.message}`);
  const more = unhealthy.length > 5 ? ` (and ${unhealthy.length - 5} more)` : '';
  return `${failed ? 'failed' : 'not ready in time'}: ${shown.join('; ')}${more}`;
}

/**
 * A Deployment, StatefulSet or DaemonSet that is not healthy: its Pods tell why sooner than its status does. A
 * container that crash-loops or cannot pull its image fails the wait at once (naming Pod, container, reason and
 * restarts, never logs); a passing problem (ErrImagePull, CreateContainerConfigError) only joins the message.
 */
async function withPodProblem(reader: ObjectApi, live: KubeObject, health: Health, access: PodAccess): Promise<Health> {
  if (health.status === HealthStatus.Current || !isWorkload(live)) return health;
  const problem = await workloadPodProblem(reader, live, access);
  if (!problem) return health;
  if (problem.fatal) return { status: HealthStatus.Failed, message: describeProblem(problem) };
  return { status: health.status, message: `${health.message}; ${describeProblem(problem)}` };
}

/**
 * Polls the objects until every one is healthy (objectHealth, with spec.healthChecks), one fails, or the deadline
 * passes; the result names the objects that are not healthy.
 */
export async function waitHealthy(input: WaitHealthyInput): Promise<WaitHealthyResult> {
  const checks = compileHealthChecks(input.healthChecks);
  const podAccess: PodAccess = { forbidden: false };
  let pending = [...input.objects];
  for (;;) {
    const unhealthy: Unhealthy[] = [];
    const still: KubeObject[] = [];
    let failed = false;
    const budget = pollBudget();
    for (const object of pending) {
      const name = object.metadata?.name ?? '';
      const namespace = object.metadata?.namespace;
      let live: KubeObject | undefined;
      try {
        live = (await readObject(input.reader, {
          apiVersion: object.apiVersion,
          kind: object.kind,
          metadata: { name, ...(namespace ? { namespace } : {}) },
        })) as unknown as KubeObject | undefined;
      } catch (error) {
        unhealthy.push({
          object: describeObject(object),
          message: error instanceof KubeError ? 'cannot be read' : 'error',
        });
        still.push(object);
        continue;
      }
      // client-node hands back model instances for built-in kinds: health reads plain JSON.
      const plain = live ? (JSON.parse(JSON.stringify(live)) as KubeObject) : undefined;
      const health = plain
        ? await withPodProblem(input.reader, plain, objectHealth(plain, { checks, budget }), podAccess)
        : { status: HealthStatus.InProgress, message: 'not found' };
      if (health.status === HealthStatus.Current) continue;
      if (health.status === HealthStatus.Failed) failed = true;
      unhealthy.push({ object: describeObject(object), message: health.message });
      still.push(object);
    }
    if (unhealthy.length === 0) return { healthy: true };
    const pollMs = input.pollMs ?? 1_000;
    if (failed || Date.now() + pollMs > input.deadline) {
      return { healthy: false, failed, unhealthy, message: summary(unhealthy, failed) };
    }
    pending = still;
    await sleep(pollMs);
  }
}
