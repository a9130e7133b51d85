import type { BackoffOptions } from '@gitseal/kube';
import { dedupKey } from './dedup-key.js';
import { Deduplicator } from './deduplicator.js';
import { formatObject, type NotifyEvent } from './event.js';
import { buildLink, validateLinkPattern } from './link.js';
import type { Notification } from './notification.js';
import { silentLogger, type NotifyLogger } from './notify-logger.js';
import type { NotifyMetrics, ProviderStats } from './notify-metrics.js';
import type { Provider } from './provider.js';
import { ProviderChannel } from './provider-channel.js';
import type { RateLimit } from './token-bucket.js';

export interface NotifierOptions {
  readonly providers: readonly Provider[];
  /** `https://gitseal.example/ui/gitsyncs/{namespace}/{name}`: see buildLink. */
  readonly linkPattern?: string;
  /** Repeats of one event inside this window become one notification with a count; default 60 s, 0 turns it off. */
  readonly dedupWindowMs?: number;
  /** Per provider; default 1000. When full, the oldest waiting notification is dropped (and counted). */
  readonly queueSize?: number;
  /** Per provider; default 60 a minute, bursts of 10. */
  readonly rateLimit?: RateLimit;
  /** Attempts per notification and provider, the first included; default 8 (about 1.5 minutes of retrying). */
  readonly maxAttempts?: number;
  /** Between attempts; default 500 ms doubling to 30 s, 20 % jitter. */
  readonly backoff?: BackoffOptions;
  readonly metrics?: NotifyMetrics;
  readonly logger?: NotifyLogger;
}

/**
 * The delivery core: `notify(event)` deduplicates, builds the link and hands the notification to every
 * provider's queue, and returns at once. It never throws and never waits on a receiver: a provider that is down
 * fills only its own queue. Delivery is at-least-once within the retry budget, in memory (a restart loses what
 * was queued).
 */
export class Notifier {
  readonly #channels: ProviderChannel[];
  readonly #dedup: Deduplicator | undefined;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #linkPattern: string | undefined;
  readonly #logger: NotifyLogger;
  #closed = false;

  constructor(options: NotifierOptions) {
    if (options.linkPattern) validateLinkPattern(options.linkPattern);
    const names = new Set<string>();
    for (const provider of options.providers) {
      if (names.has(provider.name)) throw new Error(`notifier: two providers named ${provider.name}`);
      names.add(provider.name);
    }
    this.#linkPattern = options.linkPattern;
    this.#logger = options.logger ?? silentLogger;
    const windowMs = options.dedupWindowMs ?? 60_000;
    this.#dedup = windowMs > 0 ? new Deduplicator(windowMs) : undefined;
    this.#channels = options.providers.map(
      (provider) =>
        new ProviderChannel(provider, {
          queueSize: options.queueSize ?? 1000,
          rateLimit: options.rateLimit ?? { perMinute: 60, burst: 10 },
          maxAttempts: options.maxAttempts ?? 8,
          backoff: options.backoff ?? { baseMs: 500, maxMs: 30_000, jitter: 0.2 },
          metrics: options.metrics ?? {},
          logger: this.#logger,
        }),
    );
  }

  /** Queues `event` for every provider. Never throws, never blocks. */
  notify(event: NotifyEvent): void {
    try {
      if (this.#closed) return;
      // Windows run on this process's clock; `at` (the caller's time of the event) is only reported.
      const now = Date.now();
      const at = event.at ?? new Date(now);
      if (this.#dedup) {
        const key = dedupKey(event);
        if (!this.#dedup.observe(key, event, now)) {
          for (const channel of this.#channels) channel.countDeduplicated();
          return;
        }
        this.#scheduleExpiry(this.#dedup.windowEnd(key) ?? now);
      }
      this.#dispatch({ event, count: 1, firstSeen: at, lastSeen: at });
    } catch (error) {
      // A malformed event from a caller: logged by kind and object only, never thrown into a reconcile.
      this.#logger.warn(
        { event: safeKind(event), reason: error instanceof Error ? error.name : 'unknown' },
        'notification dropped: could not be built',
      );
    }
  }

  /** Counters by provider name. */
  stats(): Record<string, ProviderStats> {
    return Object.fromEntries(this.#channels.map((channel) => [channel.provider.name, { ...channel.stats }]));
  }

  /** Sends the repeats still folded in open windows now, then waits (up to `timeoutMs`) for every queue to empty. */
  async flush(timeoutMs = 30_000): Promise<boolean> {
    if (this.#dedup) for (const folded of this.#dedup.expire(Date.now(), true)) this.#dispatch(folded);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const idle = Promise.all(this.#channels.map((channel) => channel.idle())).then(() => true as const);
    try {
      return await Promise.race([idle, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops: timers cleared, sends in flight aborted, queued notifications dropped. `flush()` first to deliver them. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const channel of this.#channels) channel.close();
  }

  #dispatch(folded: Omit<Notification, 'link'>): void {
    const link = buildLink(this.#linkPattern, folded.event);
    const notification: Notification = link ? { ...folded, link } : folded;
    this.#logger.debug(
      { event: folded.event.kind, object: formatObject(folded.event.object), count: folded.count },
      'notification queued',
    );
    for (const channel of this.#channels) channel.enqueue(notification);
  }

  #scheduleExpiry(at: number): void {
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        if (this.#closed || !this.#dedup) return;
        for (const folded of this.#dedup.expire(Date.now())) this.#dispatch(folded);
      },
      Math.max(0, at - Date.now()) + 1,
    );
    timer.unref();
    this.#timers.add(timer);
  }
}

function safeKind(event: unknown): string {
  const kind = (event as { kind?: unknown } | undefined)?.kind;
  return typeof kind === 'string' ? kind.slice(0, 40) : 'unknown';
}
