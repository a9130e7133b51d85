/** The shortest interval a GitSync is synced at, whatever its spec says (the CRD refuses less; old objects may not). */
export const MIN_INTERVAL_MS = 10_000;

export interface RetryDelayOptions {
  /** Delay after the first failure; default 2 s. */
  readonly baseMs?: number;
  /** Longest delay; default 5 minutes (never more than the interval). */
  readonly maxMs?: number;
  /** Spread, as a fraction of the delay; default 0.2 (±20 %). */
  readonly jitter?: number;
  readonly random?: () => number;
}

/**
 * How long to wait before retrying after `failures` consecutive failed syncs: exponential (2 s, 4 s, 8 s, …) up to
 * the interval or 5 minutes, whichever is shorter, spread by a random ±20 % so that GitSyncs failing together do
 * not retry in lockstep.
 */
export function retryDelay(failures: number, intervalMs: number, options: RetryDelayOptions = {}): number {
  const base = options.baseMs ?? 2_000;
  const cap = Math.max(base, Math.min(intervalMs, options.maxMs ?? 5 * 60_000));
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const delay = Math.min(cap, base * 2 ** exponent);
  const spread = (options.jitter ?? 0.2) * delay;
  const random = options.random ?? Math.random;
  return Math.round(delay - spread + 2 * spread * random());
}
