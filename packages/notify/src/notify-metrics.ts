/**
 * Counters the notifier reports, each by provider name and type. Wire them to prom-client counters, e.g.
 * `sent: (provider, type) => sentTotal.inc({ provider, type })`. Every callback is optional; a callback that
 * throws is ignored (metrics never break delivery).
 */
export interface NotifyMetrics {
  /** Accepted by the receiver. */
  readonly sent?: (provider: string, type: string) => void;
  /** Given up on after the last retry, or refused for good (a 4xx). */
  readonly failed?: (provider: string, type: string) => void;
  /** Pushed out of a full queue. */
  readonly dropped?: (provider: string, type: string) => void;
  /** Folded into an earlier notification of the same event. */
  readonly deduplicated?: (provider: string, type: string) => void;
  /** One failed attempt that will be retried. */
  readonly retried?: (provider: string, type: string) => void;
}

/** The same counts, kept by the notifier itself: `notifier.stats()`. */
export interface ProviderStats {
  sent: number;
  failed: number;
  dropped: number;
  deduplicated: number;
  retried: number;
  /** Waiting in the queue now (not counting one being sent). */
  queued: number;
}
