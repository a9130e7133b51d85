import type { RenderRequest, ResolveChartRequest } from './render-messages.js';
import { RenderWorker, type WorkerCall } from './render-worker.js';

export interface RenderPoolOptions {
  /** Warm workers kept at most; past it the least recently used idle one is stopped. Default 4. */
  readonly size?: number;
  /** Heap limit of each worker; default 1024 MiB. */
  readonly maxHeapMb?: number;
  /** A worker whose resident memory passes this after an answer is replaced; default 512 MiB. */
  readonly maxRssMb?: number;
  /** A worker older than this is replaced after its next answer; default 1 hour. */
  readonly maxAgeMs?: number;
  /** A worker idle this long is stopped (its memory given back); default 10 minutes. */
  readonly idleMs?: number;
}

export const DEFAULT_RENDER_POOL = {
  size: 4,
  maxHeapMb: 1024,
  maxRssMb: 512,
  maxAgeMs: 3_600_000,
  idleMs: 600_000,
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
 * `idleMs`, or the least recently used idle one past `size` workers, is stopped. A source URL is worked on by one
 * worker at a time (its bare cache and worktrees on disk are shared): another key's request for it waits.
 */
export class RenderPool {
  readonly #options: Required<RenderPoolOptions>;
  readonly #slots = new Map<string, Slot>();
  /** Which isolation key has requests for a source URL in flight, and how many: another key waits for them. */
  readonly #urls = new Map<string, { isolation: string; count: number; done: Promise<void>; release: () => void }>();
  #idleTimer: NodeJS.Timeout | undefined;

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
    const slot = this.#slot(isolation);
    const { worker } = slot;
    try {
      return await worker.request<T>(request, call);
    } finally {
      this.#leaveUrl(url);
      slot.lastUsed = Date.now();
      this.#checkBudget(isolation, worker);
      this.#trim();
    }
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
    return new RenderWorker({ maxHeapMb: this.#options.maxHeapMb, isolation });
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

/** The process's render pool, created on first use with the defaults. */
export function defaultRenderPool(): RenderPool {
  shared ??= new RenderPool();
  return shared;
}
