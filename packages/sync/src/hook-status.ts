import { isPlainObject, type KubeObject } from '@gitseal/manifests';
import { HealthStatus, objectHealth } from './health.js';
import { groupOf } from './object-ref.js';

/** Where a running hook is. */
export const HookState = { Running: 'Running', Succeeded: 'Succeeded', Failed: 'Failed' } as const;
export type HookState = (typeof HookState)[keyof typeof HookState];

export interface HookOutcome {
  readonly state: HookState;
  /** Short and safe: phases, condition reasons and exit codes only, never logs or condition messages. */
  readonly message: string;
}

const rec = (value: unknown): Record<string, unknown> => (isPlainObject(value) ? value : {});
const list = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => isPlainObject(v)) : [];
const word = (value: unknown): string | undefined =>
  typeof value === 'string' && /^[A-Za-z][A-Za-z0-9]{0,63}$/.test(value) ? value : undefined;

function conditionTrue(status: Record<string, unknown>, type: string): Record<string, unknown> | undefined {
  return list(status['conditions']).find((c) => c['type'] === type && c['status'] === 'True');
}

function job(status: Record<string, unknown>): HookOutcome {
  const failed = conditionTrue(status, 'Failed') ?? conditionTrue(status, 'FailureTarget');
  if (failed) {
    const reason = word(failed['reason']);
    return { state: HookState.Failed, message: `job failed${reason ? ` (${reason})` : ''}` };
  }
  if (conditionTrue(status, 'Complete')) return { state: HookState.Succeeded, message: 'job complete' };
  return { state: HookState.Running, message: 'job not complete' };
}

function exitCodes(status: Record<string, unknown>): string {
  const codes: string[] = [];
  for (const container of list(status['containerStatuses'])) {
    const code = rec(rec(container['state'])['terminated'])['exitCode'];
    if (typeof code === 'number' && code !== 0) codes.push(`${String(word(container['name']) ?? '?')}=${code}`);
  }
  return codes.length > 0 ? `, exit code ${codes.join(', ')}` : '';
}

function pod(status: Record<string, unknown>): HookOutcome {
  const phase = status['phase'];
  if (phase === 'Succeeded') return { state: HookState.Succeeded, message: 'pod succeeded' };
  if (phase === 'Failed') {
    const reason = word(status['reason']);
    return { state: HookState.Failed, message: `pod failed${reason ? ` (${reason})` : ''}${exitCodes(status)}` };
  }
  return { state: HookState.Running, message: `pod ${word(phase) ?? 'pending'}` };
}

/**
 * How far a hook got: a Job by its `Complete` / `Failed` conditions, a Pod by its phase, any other kind by its
 * health (Current is done, Failed failed; an object with nothing to wait for is done as soon as it exists).
 */
export function hookOutcome(live: KubeObject): HookOutcome {
  const status = rec(live['status']);
  const kind = `${groupOf(live.apiVersion)}/${live.kind}`;
  if (kind === 'batch/Job') return job(status);
  if (kind === '/Pod') return pod(status);
  const health = objectHealth(live);
  if (health.status === HealthStatus.Current) return { state: HookState.Succeeded, message: health.message };
  if (health.status === HealthStatus.Failed) return { state: HookState.Failed, message: health.message };
  return { state: HookState.Running, message: health.message };
}
