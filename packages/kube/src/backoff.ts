export interface BackoffOptions {
  /** Delay of the first retry, in ms. */
  readonly baseMs: number;
  /** Upper bound of any delay, in ms. */
  readonly maxMs: number;
  /** Growth per attempt; default 2. */
  readonly factor?: number;
  /** Fraction of the delay that is randomized, 0..1; default 0 (none). `0.5` gives a delay in [d/2, d]. */
  readonly jitter?: number;
}

/**
 * Delay before retry number `attempt` (0-based): `min(maxMs, baseMs * factor^attempt)`, then reduced by up to
 * `jitter` of itself. Never below 1 ms, so a caller that always waits can never spin.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const factor = options.factor ?? 2;
  const jitter = Math.min(Math.max(options.jitter ?? 0, 0), 1);
  const exponent = Math.max(0, Math.floor(attempt));
  const raw = Math.min(options.maxMs, options.baseMs * Math.pow(factor, exponent));
  const delay = raw - raw * jitter * random();
  return Math.max(1, Math.round(delay));
}
