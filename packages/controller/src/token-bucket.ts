/**
 * A token bucket: `capacity` tokens at most, refilled at `ratePerSecond`. A request that costs n tokens (one per
 * RSA operation, say) takes n at once or none. The clock is injectable for tests.
 */
export interface TokenBucket {
  /** Takes `count` tokens (default 1) when that many are there; false, taking nothing, otherwise. */
  take(count?: number): boolean;
  /**
   * Takes `count` tokens whatever the balance, down to at most `-capacity`: for work that turned out dearer than
   * was taken up front. A bucket in debt refuses everything until it has refilled.
   */
  charge(count: number): void;
  /** Tokens there now (fractional; negative while in debt). */
  tokens(): number;
  /** Milliseconds until `count` tokens are there (0 when they are now); Infinity when `count` > capacity. */
  waitMs(count?: number): number;
  /** True when the bucket is full again, i.e. no different from a new one (so it may be forgotten). */
  isFull(): boolean;
}

export function createTokenBucket(capacity: number, ratePerSecond: number, now: () => number = Date.now): TokenBucket {
  if (!(capacity > 0) || !(ratePerSecond > 0)) throw new RangeError('token bucket: capacity and rate must be > 0');
  let tokens = capacity;
  let last = now();
  const refill = (): number => {
    const t = now();
    // A clock that steps back refills nothing (and does not drain either).
    if (t > last) tokens = Math.min(capacity, tokens + ((t - last) / 1000) * ratePerSecond);
    last = Math.max(last, t);
    return tokens;
  };
  return {
    take(count = 1) {
      if (refill() < count) return false;
      tokens -= count;
      return true;
    },
    charge(count) {
      tokens = Math.max(-capacity, refill() - count);
    },
    tokens: refill,
    waitMs(count = 1) {
      if (count > capacity) return Infinity;
      const missing = count - refill();
      return missing <= 0 ? 0 : Math.ceil((missing / ratePerSecond) * 1000);
    },
    isFull: () => refill() >= capacity,
  };
}
