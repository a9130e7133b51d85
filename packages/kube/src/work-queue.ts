import type { Logger } from 'pino';
import { safeErrorMessage } from './api-error.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';

/**
 * Processes one key. Resolve with a number of ms to run the key again after that delay (a periodic requeue),
 * or with nothing. A rejection is retried with per-key exponential backoff.
 */
export type ProcessKey = (key: string) => Promise<number | void> | number | void;

export interface WorkQueueOptions {
  readonly process: ProcessKey;
  /** Most keys processed at the same time, across all keys; default 4. */
  readonly concurrency?: number;
  /** Per-key retry delays after a failure: `baseMs * 2^(failures-1)`, capped at `maxMs`. */
  readonly retry?: Pick<BackoffOptions, 'baseMs' | 'maxMs'>;
  readonly logger?: Logger;
}

interface Delay {
  readonly due: number;
  readonly timer: NodeJS.Timeout;
}

const DEFAULT_RETRY = { baseMs: 1000, maxMs: 5 * 60_000 } as const;

/**
 * A keyed work queue. A key is held at most once (duplicates collapse), at most one worker handles a key at a
 * time (a key enqueued while it is processed runs again right after), at most `concurrency` keys run at once,
 * and a failing key is retried with exponential backoff. A run supersedes a pending delayed enqueue of the same
 * key: the run's own result (or failure) decides when it runs next.
 */
export class WorkQueue {
  readonly #process: ProcessKey;
  readonly #concurrency: number;
  readonly #retry: Pick<BackoffOptions, 'baseMs' | 'maxMs'>;
  readonly #logger: Logger | undefined;
  readonly #ready = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #delays = new Map<string, Delay>();
  readonly #failures = new Map<string, number>();
  #idleWaiters: Array<() => void> = [];
  #closed = false;

  constructor(options: WorkQueueOptions) {
    const concurrency = options.concurrency ?? 4;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError('WorkQueue: concurrency must be a positive integer');
    }
    this.#process = options.process;
    this.#concurrency = concurrency;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#logger = options.logger;
  }

  /** Keys waiting for a worker (not counting delayed keys or keys being processed). */
  get length(): number {
    return this.#ready.size + this.#dirty.size;
  }

  /** Keys being processed right now. */
  get inFlight(): number {
    return this.#processing.size;
  }

  /** Keys waiting for a delay (a requested delay or a retry backoff) to pass. */
  get delayed(): number {
    return this.#delays.size;
  }

  /** Consecutive failures of a key (0 after a success). */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Adds a key, now or after `delayMs`. Returns false once the queue is shut down. */
  enqueue(key: string, delayMs = 0): boolean {
    if (this.#closed) return false;
    if (delayMs > 0) {
      this.#enqueueAfter(key, delayMs);
      return true;
    }
    this.#clearDelay(key);
    if (this.#processing.has(key)) this.#dirty.add(key);
    else this.#ready.add(key);
    this.#pump();
    return true;
  }

  /** Resolves once no key is ready or being processed. Delayed keys are not waited for. */
  drain(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops taking keys, drops queued and delayed ones and resolves once in-flight work has finished. */
  shutdown(): Promise<void> {
    this.#closed = true;
    for (const delay of this.#delays.values()) clearTimeout(delay.timer);
    this.#delays.clear();
    this.#ready.clear();
    this.#dirty.clear();
    return this.drain();
  }

  #enqueueAfter(key: string, delayMs: number): void {
    if (this.#ready.has(key)) return;
    const due = Date.now() + delayMs;
    const existing = this.#delays.get(key);
    if (existing !== undefined && existing.due <= due) return;
    if (existing !== undefined) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.#delays.delete(key);
      this.enqueue(key);
    }, delayMs);
    this.#delays.set(key, { due, timer });
  }

  #clearDelay(key: string): void {
    const existing = this.#delays.get(key);
    if (existing === undefined) return;
    clearTimeout(existing.timer);
    this.#delays.delete(key);
  }

  #pump(): void {
    while (!this.#closed && this.#processing.size < this.#concurrency) {
      const next = this.#ready.values().next();
      if (next.done === true) break;
      const key = next.value;
      this.#ready.delete(key);
      this.#clearDelay(key);
      this.#processing.add(key);
      void this.#run(key);
    }
    this.#notifyIfIdle();
  }

  async #run(key: string): Promise<void> {
    let requeueMs: number | undefined;
    try {
      const result = await Promise.resolve().then(() => this.#process(key));
      this.#failures.delete(key);
      if (typeof result === 'number' && result > 0) requeueMs = result;
    } catch (err) {
      const attempt = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, attempt);
      requeueMs = backoffDelay(attempt - 1, this.#retry);
      this.#logger?.warn({ key, attempt, retryInMs: requeueMs, error: safeErrorMessage(err) }, 'work item failed');
    }
    this.#processing.delete(key);
    if (!this.#closed) {
      if (this.#dirty.delete(key)) this.#ready.add(key);
      else if (requeueMs !== undefined) this.#enqueueAfter(key, requeueMs);
    }
    this.#pump();
  }

  #isIdle(): boolean {
    return this.#ready.size === 0 && this.#dirty.size === 0 && this.#processing.size === 0;
  }

  #notifyIfIdle(): void {
    if (!this.#isIdle() || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
