import { isPlainObject } from '@gitseal/manifests';

/** kstatus's statuses, less Terminating/Unknown (an object being deleted is InProgress for a wait). */
export const HealthStatus = { Current: 'Current', InProgress: 'InProgress', Failed: 'Failed' } as const;
export type HealthStatus = (typeof HealthStatus)[keyof typeof HealthStatus];

export interface Health {
  readonly status: HealthStatus;
  /** Short, safe: counts, phases and condition reasons only (never condition messages or field values). */
  readonly message: string;
}

export interface ConditionView {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
}

export type Fields = Record<string, unknown>;

/** An integer field, or undefined (kstatus's GetIntField reads only integers). */
export const int = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) ? value : undefined;
export const rec = (value: unknown): Fields => (isPlainObject(value) ? value : {});
export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A condition reason is a CamelCase word by convention; anything else is not echoed. */
const safeReason = (value: unknown): string | undefined =>
  typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(value) ? value : undefined;

export function conditions(status: Fields): ConditionView[] {
  const list = status['conditions'];
  if (!Array.isArray(list)) return [];
  const out: ConditionView[] = [];
  for (const c of list) {
    if (!isPlainObject(c) || typeof c['type'] !== 'string' || typeof c['status'] !== 'string') continue;
    const reason = safeReason(c['reason']);
    out.push({ type: c['type'], status: c['status'], ...(reason ? { reason } : {}) });
  }
  return out;
}

export const findCondition = (status: Fields, type: string, value?: string): ConditionView | undefined =>
  conditions(status).find((c) => c.type === type && (value === undefined || c.status === value));

/** ` (Reason)` or nothing. */
export const because = (c: ConditionView | undefined): string => (c?.reason ? ` (${c.reason})` : '');

export const current = (message: string): Health => ({ status: HealthStatus.Current, message });
export const inProgress = (message: string): Health => ({ status: HealthStatus.InProgress, message });
export const failed = (message: string): Health => ({ status: HealthStatus.Failed, message });
