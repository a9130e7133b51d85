import { backoffDelay, type BackoffOptions } from '@gitseal/kube';

export interface RestoreBackoffOptions extends BackoffOptions {
  /** A change this long after our last restore starts afresh (restored at once). */
  readonly quietMs: number;
}

/**
 * 1 s, doubling, at most 5 min between restores that keep being answered within 10 s (a writer that fights back);
 * a change that comes later is restored at once.
 */
export const RESTORE_BACKOFF: RestoreBackoffOptions = { baseMs: 1_000, maxMs: 5 * 60_000, quietMs: 10_000 };

/** The restores so far: how many in a row were answered by another change, and when the last one ran. */
export interface RestoreHistory {
  readonly streak: number;
  readonly lastAt: number | undefined;
}

export const NO_RESTORES: RestoreHistory = { streak: 0, lastAt: undefined };

export interface RestorePlan {
  /** The streak once this restore runs. */
  readonly streak: number;
  /** Not before this time (ms). */
  readonly notBefore: number;
}

/**
 * When to restore after a foreign change first seen at `changedAt`: at once, unless the change answered our last
 * restore within `quietMs`; then `baseMs` after that restore, doubling with each answer up to `maxMs`. So two
 * writers that fight over the object settle at one restore per `maxMs`, not a loop.
 */
export function planRestore(
  history: RestoreHistory,
  changedAt: number,
  options: RestoreBackoffOptions = RESTORE_BACKOFF,
): RestorePlan {
  const { lastAt } = history;
  if (lastAt === undefined || changedAt - lastAt >= options.quietMs) return { streak: 0, notBefore: changedAt };
  const streak = history.streak + 1;
  return { streak, notBefore: Math.max(changedAt, lastAt + backoffDelay(streak - 1, options)) };
}
