import { backoffDelay } from '@gitseal/kube';

/** Retry delays after a failed key generation: 5 s, doubling, at most 5 min (each one costs a full RSA key). */
export const RENEWAL_RETRY = { baseMs: 5_000, maxMs: 5 * 60_000 } as const;
/** Even with nothing due, look again at least this often (the clock or the key set may have changed). */
export const MAX_RENEW_CHECK_MS = 60 * 60_000;
const MIN_RENEW_CHECK_MS = 1_000;

export interface RenewalState {
  readonly now: number;
  readonly periodMs: number;
  /** notBefore of the newest sealing key, in ms; undefined when nothing can seal. */
  readonly newestNotBefore: number | undefined;
  /** Key generations that failed in a row. */
  readonly failures: number;
}

/** How long to wait before the next renewal check: backoff after failures, else until the newest key is due. */
export function renewalDelay(state: RenewalState): number {
  if (state.failures > 0) return backoffDelay(state.failures - 1, RENEWAL_RETRY);
  const due = state.newestNotBefore === undefined ? 0 : state.newestNotBefore + state.periodMs - state.now;
  return Math.min(Math.max(due, MIN_RENEW_CHECK_MS), MAX_RENEW_CHECK_MS);
}
