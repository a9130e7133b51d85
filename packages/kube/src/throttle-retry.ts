import { setTimeout as sleep } from 'node:timers/promises';

/** How often a throttled call is tried again before its 429 is reported (client-go: 10). */
export const MAX_THROTTLE_RETRIES = 5;
const DEFAULT_WAIT_MS = 1_000;
const MAX_WAIT_MS = 10_000;

/**
 * How long to wait before repeating a request the API server throttled, or undefined when it must not be
 * repeated. Like client-go: a 429 is always retried (the server did not act on it), a 5xx only when the server
 * sent Retry-After. The wait is Retry-After (whole seconds), 1 s without one, at most 10 s.
 */
export function throttleWaitMs(status: number | undefined, retryAfter: string | undefined): number | undefined {
  const seconds = retryAfter !== undefined && /^\d{1,6}$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
  if (status === 429) return Math.min(MAX_WAIT_MS, seconds === undefined ? DEFAULT_WAIT_MS : seconds * 1000);
  if (status !== undefined && status >= 500 && seconds !== undefined) return Math.min(MAX_WAIT_MS, seconds * 1000);
  return undefined;
}

/** Reads status and Retry-After from what client-node throws (an ApiException carries both). */
function throttleOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, headers } = err as { code?: unknown; headers?: unknown };
  if (typeof code !== 'number') return undefined;
  const header =
    typeof headers === 'object' && headers !== null ? (headers as Record<string, unknown>)['retry-after'] : undefined;
  return throttleWaitMs(code, typeof header === 'string' ? header : undefined);
}

/** Runs a client-node call, repeating it while the API server throttles it (see {@link throttleWaitMs}). */
export async function retryThrottled<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const waitMs = attempt < MAX_THROTTLE_RETRIES ? throttleOf(err) : undefined;
      if (waitMs === undefined) throw err;
      await sleep(waitMs);
    }
  }
}
