import { createTokenBucket, type TokenBucket } from './token-bucket.js';

export interface RateLimit {
  /** Tokens at most (one per RSA private operation): the largest cost one request can ever be granted. */
  readonly burst: number;
  /** Tokens refilled per second. */
  readonly perSecond: number;
}

export interface ApiRateLimiterOptions {
  /** One bucket per client key (see client-key.ts). */
  readonly perClient: RateLimit;
  /** One bucket for everybody: what clients cycling through addresses share. */
  readonly global: RateLimit;
  /** Client buckets kept at most; past it the least recently used one is dropped. */
  readonly maxClients: number;
  readonly now?: () => number;
}

export type Admission =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** Whole seconds until the cost would be granted (at least 1), for `Retry-After`. */
      readonly retryAfterSeconds: number;
      /** Which bucket refused: the client's own or the shared one. */
      readonly by: 'client' | 'global';
    };

/**
 * The rate limit of one endpoint: a token bucket per client plus one global bucket, charged per RSA operation.
 *
 * Memory stays bounded whatever the clients do: buckets live in a Map kept in least-recently-used order; a bucket
 * that has refilled completely is the same as a new one and is dropped as soon as it is the oldest, and past
 * `maxClients` the oldest is dropped anyway. Dropping a bucket can only hand its client a fresh burst, which the
 * global bucket still bounds, so an attacker cycling addresses gains nothing over one address but the global share.
 */
export class ApiRateLimiter {
  readonly #o: ApiRateLimiterOptions;
  readonly #now: () => number;
  readonly #global: TokenBucket;
  readonly #clients = new Map<string, TokenBucket>();

  constructor(options: ApiRateLimiterOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#global = createTokenBucket(options.global.burst, options.global.perSecond, this.#now);
    if (!(options.maxClients >= 1)) throw new RangeError('rate limiter: maxClients must be >= 1');
  }

  /** Client buckets held now. */
  get clients(): number {
    return this.#clients.size;
  }

  /**
   * Takes `cost` tokens from the client's bucket and `globalCost` from the global one, from both or from neither.
   * A global cost of 0 touches the client's bucket only (what a request pays before it is read: so that one
   * client nibbling single tokens cannot keep the shared bucket below what everybody else's requests need).
   */
  take(client: string, cost: number, globalCost = cost): Admission {
    const admission = this.check(client, cost, globalCost);
    if (admission.ok) {
      this.#bucket(client).take(cost);
      if (globalCost > 0) this.#global.take(globalCost);
    }
    return admission;
  }

  /** Whether `take` would grant this now, and if not, when (from the larger deficit of the two buckets). */
  check(client: string, cost: number, globalCost = cost): Admission {
    const waitOwn = this.#bucket(client).waitMs(cost);
    const waitGlobal = globalCost > 0 ? this.#global.waitMs(globalCost) : 0;
    if (waitOwn === 0 && waitGlobal === 0) return { ok: true };
    const by = waitOwn >= waitGlobal ? 'client' : 'global';
    const waitMs = Math.max(waitOwn, waitGlobal);
    // A cost above a burst is never granted; the HTTP layer caps items below both bursts, so this is a fallback.
    return { ok: false, by, retryAfterSeconds: Number.isFinite(waitMs) ? Math.max(1, Math.ceil(waitMs / 1000)) : 60 };
  }

  /** Charges work that cost more than was taken up front (may leave the buckets in debt). */
  charge(client: string, cost: number): void {
    if (cost <= 0) return;
    this.#bucket(client).charge(cost);
    this.#global.charge(cost);
  }

  #bucket(client: string): TokenBucket {
    let bucket = this.#clients.get(client);
    if (bucket) {
      // Most recently used goes last.
      this.#clients.delete(client);
    } else {
      bucket = createTokenBucket(this.#o.perClient.burst, this.#o.perClient.perSecond, this.#now);
    }
    this.#evict();
    this.#clients.set(client, bucket);
    return bucket;
  }

  #evict(): void {
    for (const [key, bucket] of this.#clients) {
      if (this.#clients.size >= this.#o.maxClients || bucket.isFull()) this.#clients.delete(key);
      else break;
    }
  }
}
