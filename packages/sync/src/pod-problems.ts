import { isPlainObject, type KubeObject } from '@gitseal/manifests';
import { int, rec, str } from './health-fields.js';

/** Waiting reasons that waiting will not fix: the kubelet only backs off and retries the same thing. */
const FATAL = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName']);
/** Waiting reasons worth naming while the wait goes on (they often turn into one of the above, or clear). */
const NOTABLE = new Set([
  'ErrImagePull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PreCreateHookError',
  'PostStartHookError',
]);

export interface ContainerProblem {
  readonly pod: string;
  readonly container: string;
  /** The kubelet's waiting reason, e.g. `CrashLoopBackOff`. */
  readonly reason: string;
  readonly restarts: number;
  /** The last termination's reason and exit code, e.g. `Error, exit code 1` (never its message: it can hold logs). */
  readonly lastExit?: string;
  readonly fatal: boolean;
}

function lastExit(status: Record<string, unknown>): string | undefined {
  const terminated = rec(rec(status['lastState'])['terminated']);
  const reason = str(terminated['reason']);
  const code = int(terminated['exitCode']);
  if (reason === undefined && code === undefined) return undefined;
  const safe = reason && /^[A-Za-z][A-Za-z0-9]{0,63}$/.test(reason) ? reason : undefined;
  return [safe, code === undefined ? undefined : `exit code ${code}`].filter(Boolean).join(', ');
}

/** Containers (init containers too) of one Pod that are stuck waiting for a reason worth reporting. */
export function containerProblems(pod: KubeObject): ContainerProblem[] {
  const status = rec(pod['status']);
  const name = typeof pod.metadata?.name === 'string' ? pod.metadata.name : '';
  const out: ContainerProblem[] = [];
  for (const field of ['initContainerStatuses', 'containerStatuses']) {
    const list = status[field];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (!isPlainObject(item)) continue;
      const reason = str(rec(rec(item['state'])['waiting'])['reason']);
      if (reason === undefined || !(FATAL.has(reason) || NOTABLE.has(reason))) continue;
      const exit = lastExit(item);
      out.push({
        pod: name,
        container: str(item['name']) ?? '',
        reason,
        restarts: int(item['restartCount']) ?? 0,
        ...(exit ? { lastExit: exit } : {}),
        fatal: FATAL.has(reason),
      });
    }
  }
  return out;
}

/** `pod web-5d8f container app: CrashLoopBackOff (4 restarts, last exit: Error, exit code 1)`. */
export function describeProblem(p: ContainerProblem): string {
  const details = [
    `${p.restarts} restart${p.restarts === 1 ? '' : 's'}`,
    ...(p.lastExit ? [`last exit: ${p.lastExit}`] : []),
  ];
  return `pod ${p.pod} container ${p.container}: ${p.reason} (${details.join(', ')})`;
}

/** The most telling problem of some Pods: a fatal one first, then the one with the most restarts. */
export function worstProblem(pods: readonly KubeObject[]): ContainerProblem | undefined {
  const all = pods.filter((p) => !p.metadata?.deletionTimestamp).flatMap(containerProblems);
  all.sort((a, b) => Number(b.fatal) - Number(a.fatal) || b.restarts - a.restarts);
  return all[0];
}
