export interface RateLimit {
  /** Sustained rate. */
  readonly perMinute: number;
  /** How many may go at once after a quiet spell; default: perMinute / 6 (10 s worth), at least 1. */
  readonly burst?: number;
}

/** A token bucket: `take(now)` returns 0 when a send may go now, else how many ms until one may. Pure. */
export class TokenBucket {
  readonly #capacity: number;
  readonly #perMs: number;
  #tokens: number;
  #updated: number;

  constructor(limit: RateLimit, now: number) {
    if (!(limit.perMinute > 0)) throw new Error(`rate limit must be > 0 per minute, got ${limit.perMinute}`);
    this.#capacity = Math.max(1, limit.burst ?? Math.floor(limit.perMinute / 6));
    this.#perMs = limit.perMinute / 60_000;
    this.#tokens = this.#capacity;
    this.#updated = now;
  }

  take(now: number): number {
    this.#tokens = Math.min(this.#capacity, this.#tokens + Math.max(0, now - this.#updated) * this.#perMs);
    this.#updated = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - this.#tokens) / this.#perMs);
  }
}
