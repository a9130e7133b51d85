import type { RateLimit } from './api-rate-limiter.js';

/** How much RSA work `POST /v1/verify` and `POST /v1/rotate` may ask for (docs/security.md, "Limits"). */
export interface ApiLimits {
  /**
   * Items (sealed values) one request may hold; above it the answer is 413 `TooManyItems` before any RSA work.
   * An item costs one RSA private operation (a v1 item one per held key tried, at most).
   */
  readonly maxItemsPerRequest: number;
  /** Per endpoint and client address (IPv6 by /64), in RSA operations. Its burst must be >= maxItemsPerRequest. */
  readonly perClient: RateLimit;
  /** Per endpoint, over all clients, in RSA operations. Its burst must be >= maxItemsPerRequest. */
  readonly global: RateLimit;
  /** Client buckets remembered per endpoint (least recently used dropped first). */
  readonly maxClients: number;
  /** Requests admitted and not yet answered (reading their body, queued or in the RSA pool), both endpoints. */
  readonly maxInFlight: number;
  /** The same per client. */
  readonly maxInFlightPerClient: number;
}

/**
 * The defaults, sized for RSA-4096 (about 3 ms of one core per private operation; 0.7 ms at 2048 bits):
 *
 * - 64 items: a real Secret has a handful of keys, one with dozens is rare; 64 is one request of about 0.2 s of
 *   RSA work at 4096 bits. The reconciler has no such cap: it does not serve strangers. The body limit (1 MiB)
 *   bounds the ciphertext bytes, and AES-GCM over 1 MiB is about a millisecond: no separate byte cap.
 * - 32 operations/s per client (burst 64, one full request): about the old 10 requests/s of three-item
 *   SealedSecrets, so `gitseal validate -R` over a tree goes as fast as before.
 * - 64 operations/s per endpoint over all clients (burst 128): at most ~20 % of one core per endpoint at 4096 bits,
 *   40 % for both, less than the share of the RSA pool API tasks may use (rsa-worker-pool.ts), so the API backlog
 *   cannot grow without bound.
 */
export const DEFAULT_API_LIMITS: ApiLimits = {
  maxItemsPerRequest: 64,
  perClient: { burst: 64, perSecond: 32 },
  global: { burst: 128, perSecond: 64 },
  maxClients: 4096,
  maxInFlight: 16,
  maxInFlightPerClient: 4,
} as const;
