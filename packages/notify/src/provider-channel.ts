import { backoffDelay, type BackoffOptions } from '@gitseal/kube';
import { BoundedQueue } from './bounded-queue.js';
import { DeliveryError } from './delivery-error.js';
import { formatObject } from './event.js';
import type { Notification } from './notification.js';
import type { NotifyLogger } from './notify-logger.js';
import type { NotifyMetrics, ProviderStats } from './notify-metrics.js';
import type { Provider } from './provider.js';
import { TokenBucket, type RateLimit } from './token-bucket.js';

export interface ChannelOptions {
  readonly queueSize: number;
  readonly rateLimit: RateLimit;
  /** Attempts per notification, the first included. */
  readonly maxAttempts: number;
  readonly backoff: BackoffOptions;
  readonly metrics: NotifyMetrics;
  readonly logger: NotifyLogger;
}

/**
 * One provider's bounded queue and its single worker: sends in order, waits for the rate limit, retries a failed
 * send with exponential backoff (at-least-once: a receiver that accepted but whose answer was lost gets it again).
 * Everything runs on timers: `enqueue` only pushes and wakes the worker, so a caller is never held up.
 */
export class ProviderChannel {
  readonly stats: ProviderStats = { sent: 0, failed: 0, dropped: 0, deduplicated: 0, retried: 0, queued: 0 };
  readonly #queue: BoundedQueue<Notification>;
  readonly #bucket: TokenBucket;
  readonly #abort = new AbortController();
  #running = false;
  #idle: (() => void)[] = [];
  #wake: (() => void) | undefined;

  constructor(
    readonly provider: Provider,
    readonly options: ChannelOptions,
  ) {
    this.#queue = new BoundedQueue(options.queueSize);
    this.#bucket = new TokenBucket(options.rateLimit, Date.now());
  }

  enqueue(notification: Notification): void {
    if (this.#abort.signal.aborted) return;
    const dropped = this.#queue.push(notification);
    if (dropped) this.#count('dropped');
    this.stats.queued = this.#queue.length;
    if (!this.#running) {
      this.#running = true;
      // Off the caller's stack: the first send starts on the next turn of the event loop.
      setImmediate(() => void this.#drain());
    }
  }

  countDeduplicated(): void {
    this.#count('deduplicated');
  }

  /** Resolves when the queue is empty and nothing is being sent. */
  idle(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Stops the worker: aborts a send in flight and drops what is queued (counted as dropped). */
  close(): void {
    this.#abort.abort();
    this.#wake?.();
    for (let left = this.#queue.clear().length; left > 0; left -= 1) this.#count('dropped');
    this.stats.queued = 0;
  }

  async #drain(): Promise<void> {
    try {
      for (;;) {
        if (this.#abort.signal.aborted) break;
        const notification = this.#queue.shift();
        if (!notification) break;
        this.stats.queued = this.#queue.length;
        await this.#deliver(notification);
      }
    } finally {
      this.#running = false;
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  async #deliver(notification: Notification): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      for (let wait = this.#bucket.take(Date.now()); wait > 0; wait = this.#bucket.take(Date.now())) {
        await this.#sleep(wait);
      }
      if (this.#abort.signal.aborted) return void this.#count('dropped');
      try {
        await this.provider.send(notification, this.#abort.signal);
        this.#count('sent');
        return;
      } catch (error) {
        if (this.#abort.signal.aborted) return void this.#count('dropped');
        const failure = error instanceof DeliveryError ? error : undefined;
        const reason = failure?.reason ?? 'send failed';
        const last = attempt + 1 >= this.options.maxAttempts || failure?.retryable === false;
        this.options.logger.warn(
          {
            provider: this.provider.name,
            event: notification.event.kind,
            object: formatObject(notification.event.object),
            attempt: attempt + 1,
            reason,
          },
          last ? 'notification not delivered' : 'notification delivery failed; retrying',
        );
        if (last) return void this.#count('failed');
        this.#count('retried');
        await this.#sleep(backoffDelay(attempt, this.options.backoff));
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.#abort.signal.aborted) return resolve();
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  #count(what: 'sent' | 'failed' | 'dropped' | 'deduplicated' | 'retried'): void {
    this.stats[what] += 1;
    try {
      this.options.metrics[what]?.(this.provider.name, this.provider.type);
    } catch {
      // Metrics never break delivery.
    }
  }
}
