import type { RenderRequest, ResolveChartRequest } from './render-messages.js';
import { RenderWorker, type WorkerCall } from './render-worker.js';

export interface RenderPoolOptions {
  /**
   * Workers alive at most (one per isolation key): past it the least recently used idle one is stopped, and a key
   * without a worker waits while all of them are busy. Default 2 (renders are CPU work: more buys nothing on 2 cores,
   * each worker is a Node process of its own, ~45 MiB resident).
   */
  readonly size?: number;
  /** Heap limit of each worker; default 1024 MiB. */
  readonly maxHeapMb?: number;
  /** A worker whose resident memory passes this after an answer is replaced; default 512 MiB. */
  readonly maxRssMb?: number;
  /** A worker older than this is replaced after its next answer; default 1 hour. */
  readonly maxAgeMs?: number;
  /** A worker idle this long is stopped (its memory given back); default 1 minute. */
  readonly idleMs?: number;
  /** V8 flags of each worker besides its heap limit. */
  readonly v8Flags?: readonly string[];
}

export const DEFAULT_RENDER_POOL = {
  size: 2,
  maxHeapMb: 1024,
  maxRssMb: 512,
  maxAgeMs: 3_600_000,
  idleMs: 60_000,
  // As the controller's own: a small young generation keeps resident memory near the live heap.
  v8Flags: ['--max-semi-space-size=2'] as readonly string[],
} as const;

/** What a worker looks like from outside (tests, benchmarks, metrics). */
export interface RenderWorkerInfo {
  readonly isolation: string;
  readonly pid: number | undefined;
  readonly rssBytes: number;
  readonly inFlight: number;
  readonly ageMs: number;
}

interface Slot {
  worker: RenderWorker;
  lastUsed: number;
}

/**
 * Long-lived render workers, started on first use and reused across revisions and GitSyncs **of one isolation key**
 * (the sync engine uses the GitSync's namespace): requests of different keys never share a process, so a render
 * never has another tenant's Git credentials in flight beside it. A worker that died is started again for the next
 * request; one past its memory or age budget is retired (it finishes what it holds) and replaced; one idle for
 * `idleMs`, or the least recently used idle one when another key needs room, is stopped; while all `size` workers are
 * busy, a key without one waits (so at most `size` render processes, plus retired ones finishing). A source URL is
 * worked on by one worker at a time (its bare cache and worktrees on disk are shared): another key's request for it
 * waits.
 */
export class RenderPool {
  readonly #options: Required<RenderPoolOptions>;
  readonly #slots = new Map<string, Slot>();
  /** Which isolation key has requests for a source URL in flight, and how many: another key waits for them. */
  readonly #urls = new Map<string, { isolation: string; count: number; done: Promise<void>; release: () => void }>();
  #idleTimer: NodeJS.Timeout | undefined;
  /** Requests of keys without a worker, waiting for room (all `size` workers busy). */
  #roomWaiters: Array<() => void> = [];

  constructor(options: RenderPoolOptions = {}) {
    this.#options = { ...DEFAULT_RENDER_POOL, ...options };
  }

  async request<T>(
    isolation: string,
    url: string,
    request: RenderRequest | ResolveChartRequest,
    call: WorkerCall,
  ): Promise<T> {
    // Only a wait for another key yields: the usual request reaches its worker synchronously.
    const waiting = this.#enterUrl(isolation, url);
    if (waiting) await waiting;
    while (!this.#makeRoom(isolation)) await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
    const slot = this.#slot(isolation);
    const { worker } = slot;
    try {
      return await worker.request<T>(request, call);
    } finally {
      this.#leaveUrl(url);
      slot.lastUsed = Date.now();
      this.#checkBudget(isolation, worker);
      this.#trim();
      this.#wakeRoomWaiters();
    }
  }

  /**
   * True when `isolation` has a slot, or one can be had: under `size` slots, or by stopping the least recently used
   * idle worker of another key (done here). False while all `size` workers are busy.
   */
  #makeRoom(isolation: string): boolean {
    if (this.#slots.has(isolation)) return true;
    while (this.#slots.size >= this.#options.size) {
      const idle = [...this.#slots].find(([, slot]) => slot.worker.inFlight === 0 || !slot.worker.usable);
      if (!idle) return false;
      this.#slots.delete(idle[0]);
      idle[1].worker.retire();
    }
    return true;
  }

  #wakeRoomWaiters(): void {
    const waiters = this.#roomWaiters;
    this.#roomWaiters = [];
    for (const wake of waiters) wake();
  }

  /** One worker (isolation key) at a time works on a source URL's cache: another key waits until it is done. */
  #enterUrl(isolation: string, url: string): Promise<void> | undefined {
    const users = this.#urls.get(url);
    if (!users) {
      let release = (): void => undefined;
      const done = new Promise<void>((resolve) => (release = resolve));
      this.#urls.set(url, { isolation, count: 1, done, release });
      return undefined;
    }
    if (users.isolation === isolation) {
      users.count += 1;
      return undefined;
    }
    return users.done.then(() => this.#enterUrl(isolation, url));
  }

  #leaveUrl(url: string): void {
    const users = this.#urls.get(url);
    if (!users || --users.count > 0) return;
    this.#urls.delete(url);
    users.release();
  }

  /** The live workers. */
  workers(): RenderWorkerInfo[] {
    return [...this.#slots].flatMap(([isolation, { worker: w }]) =>
      w.usable
        ? [{ isolation, pid: w.pid, rssBytes: w.rssBytes, inFlight: w.inFlight, ageMs: Date.now() - w.startedAt }]
        : [],
    );
  }

  /** Kills every worker (tests, shutdown); the next request starts new ones. */
  async close(): Promise<void> {
    clearInterval(this.#idleTimer);
    this.#idleTimer = undefined;
    const running = [...this.#slots.values()].map((s) => s.worker);
    this.#slots.clear();
    for (const worker of running) worker.kill();
    this.#wakeRoomWaiters();
    await Promise.all(running.map((w) => w.exited));
  }

  #slot(isolation: string): Slot {
    const current = this.#slots.get(isolation);
    if (current?.worker.usable) {
      // Most recently used last: the map's order is the eviction order.
      this.#slots.delete(isolation);
      this.#slots.set(isolation, current);
      return current;
    }
    const slot = { worker: this.#start(isolation), lastUsed: Date.now() };
    this.#slots.delete(isolation);
    this.#slots.set(isolation, slot);
    this.#watchIdle();
    return slot;
  }

  #start(isolation: string): RenderWorker {
    return new RenderWorker({ maxHeapMb: this.#options.maxHeapMb, isolation, v8Flags: this.#options.v8Flags });
  }

  #checkBudget(isolation: string, worker: RenderWorker): void {
    const slot = this.#slots.get(isolation);
    if (!worker.usable || slot?.worker !== worker) return;
    const old = Date.now() - worker.startedAt > this.#options.maxAgeMs;
    if (!old && worker.rssBytes <= this.#options.maxRssMb * 1024 * 1024) return;
    worker.retire();
    slot.worker = this.#start(isolation);
  }

  /** Stops idle workers past `size` (least recently used first) and those idle longer than `idleMs`. */
  #trim(now = Date.now()): void {
    for (const [isolation, slot] of this.#slots) {
      const idle = slot.worker.inFlight === 0;
      const tooMany = this.#slots.size > this.#options.size;
      if (idle && (tooMany || now - slot.lastUsed >= this.#options.idleMs || !slot.worker.usable)) {
        this.#slots.delete(isolation);
        slot.worker.retire();
      }
    }
    if (this.#slots.size === 0) {
      clearInterval(this.#idleTimer);
      this.#idleTimer = undefined;
    }
  }

  #watchIdle(): void {
    if (this.#idleTimer !== undefined) return;
    this.#idleTimer = setInterval(() => this.#trim(), Math.max(1_000, Math.min(60_000, this.#options.idleMs / 2)));
    this.#idleTimer.unref();
  }
}

let shared: RenderPool | undefined;

/** Replaces the process's render pool with one of these options (the controller's --render-workers). */
export function configureDefaultRenderPool(options: RenderPoolOptions): RenderPool {
  void shared?.close();
  shared = new RenderPool(options);
  return shared;
}

/** The process's render pool, created on first use with the defaults. */
export function defaultRenderPool(): RenderPool {
  shared ??= new RenderPool();
  return shared;
}
