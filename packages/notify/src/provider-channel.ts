import { backoffDelay, type BackoffOptions } from '@gitseal/kube';
import { BoundedQueue } from './bounded-queue.js';
import { DeliveryError } from './delivery-error.js';
import { formatObject } from './event.js';
import type { Notification } from './notification.js';
import type { NotifyLogger } from './notify-logger.js';
import type { NotifyMetrics, ProviderStats } from './notify-metrics.js';
import { NewestByKey } from './newest-by-key.js';
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
  /** For a provider with `orderKey`: the newest arrival per key, and each queued notification's ticket. */
  readonly #newest = new NewestByKey();
  readonly #tickets = new WeakMap<Notification, { key: string; ticket: number }>();
  #current: Notification | undefined;

  constructor(
    readonly provider: Provider,
    readonly options: ChannelOptions,
  ) {
    this.#queue = new BoundedQueue(options.queueSize);
    this.#bucket = new TokenBucket(options.rateLimit, Date.now());
  }

  enqueue(notification: Notification): void {
    if (this.#abort.signal.aborted) return;
    if (!this.#takeOrder(notification)) return void this.#superseded(notification);
    // A retry waiting out its backoff that this arrival overtook: wake it, so it is dropped now, not in 30 s.
    if (this.#current && !this.#isNewest(this.#current)) this.#wake?.();
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
        this.#current = notification;
        await this.#deliver(notification);
        this.#current = undefined;
      }
    } finally {
      this.#current = undefined;
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
      if (!this.#isNewest(notification)) return void this.#superseded(notification);
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
        // Overtaken while this attempt was in flight: no retry, the newer state goes next.
        if (!this.#isNewest(notification)) return void this.#superseded(notification);
        this.#count('retried');
        await this.#sleep(backoffDelay(attempt, this.options.backoff));
      }
    }
  }

  /** False when the provider orders its notifications and a newer one for the same key was already taken. */
  #takeOrder(notification: Notification): boolean {
    let order;
    try {
      order = this.provider.orderKey?.(notification);
    } catch {
      order = undefined;
    }
    if (!order) return true;
    const ticket = this.#newest.observe(order, notification.lastSeen.getTime());
    if (ticket === undefined) return false;
    this.#tickets.set(notification, { key: order.key, ticket });
    return true;
  }

  #isNewest(notification: Notification): boolean {
    const taken = this.#tickets.get(notification);
    return !taken || this.#newest.isNewest(taken.key, taken.ticket);
  }

  /** A state overtaken by a newer one for the same key: never sent, counted as dropped. */
  #superseded(notification: Notification): void {
    this.options.logger.debug(
      { provider: this.provider.name, event: notification.event.kind, object: formatObject(notification.event.object) },
      'notification superseded by a newer one for the same key; not sent',
    );
    this.#count('dropped');
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
