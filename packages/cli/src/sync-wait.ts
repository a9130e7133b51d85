import type { GitSyncObject } from './git-sync-api.js';
import { printable } from './printable.js';

/** What a handled `sync now` request ended with: the Ready condition the controller wrote with it. */
export interface HandledSync {
  readonly ready: boolean;
  /** `Ready=True (ReconciliationSucceeded): Applied revision: main@sha1:…`, printable. */
  readonly summary: string;
}

type Condition = { type?: unknown; status?: unknown; reason?: unknown; message?: unknown };

/**
 * The outcome of the request `requestedAt` once the controller has handled it (status.lastHandledRequestedAt
 * equals it); undefined while it has not.
 */
export function handledSync(gitSync: GitSyncObject, requestedAt: string): HandledSync | undefined {
  const status = gitSync.status ?? {};
  if (status['lastHandledRequestedAt'] !== requestedAt) return undefined;
  const conditions = Array.isArray(status['conditions']) ? (status['conditions'] as Condition[]) : [];
  const ready = conditions.find((c) => c?.type === 'Ready');
  const state = typeof ready?.status === 'string' ? ready.status : 'Unknown';
  const reason = typeof ready?.reason === 'string' ? ` (${printable(ready.reason)})` : '';
  const message = typeof ready?.message === 'string' ? `: ${printable(ready.message, 500)}` : '';
  return { ready: state === 'True', summary: `Ready=${printable(state)}${reason}${message}` };
}

/**
 * What the controller is doing with a GitSync while `sync now --wait` waits, for the progress line: the Reconciling
 * condition when it is True (`Reconciling (Progressing): applying wave 1`), else that the request is queued.
 */
export function syncPhase(gitSync: GitSyncObject): string {
  const status = gitSync.status ?? {};
  const conditions = Array.isArray(status['conditions']) ? (status['conditions'] as Condition[]) : [];
  const reconciling = conditions.find((c) => c?.type === 'Reconciling' && c.status === 'True');
  if (reconciling === undefined) return 'waiting for the controller to pick up the request';
  const reason = typeof reconciling.reason === 'string' ? ` (${printable(reconciling.reason)})` : '';
  const message = typeof reconciling.message === 'string' ? `: ${printable(reconciling.message, 500)}` : '';
  return `Reconciling${reason}${message}`;
}

/** `2m`, `90s`, `1m30s`, `500ms` → milliseconds; undefined when not such a duration. */
export function parseWaitTimeout(value: string): number | undefined {
  const parts = /^(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(value);
  if (!parts || value === '') return undefined;
  const [, m = '0', s = '0', ms = '0'] = parts;
  const total = Number(m) * 60_000 + Number(s) * 1_000 + Number(ms);
  return total > 0 ? total : undefined;
}
