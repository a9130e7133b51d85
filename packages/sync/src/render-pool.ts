import { createHash } from 'node:crypto';
import type { RenderRequest, ResolveChartRequest } from './render-messages.js';
import { RenderWorker, type WorkerCall } from './render-worker.js';

export interface RenderPoolOptions {
  /** Worker processes; a source URL always goes to the same one (its cache and worktrees are used by one). */
  readonly size?: number;
  /** Heap limit of each worker; default 1024 MiB. */
  readonly maxHeapMb?: number;
  /** A worker whose resident memory passes this after an answer is replaced; default 512 MiB. */
  readonly maxRssMb?: number;
  /** A worker older than this is replaced after its next answer; default 1 hour. */
  readonly maxAgeMs?: number;
}

export const DEFAULT_RENDER_POOL = { size: 1, maxHeapMb: 1024, maxRssMb: 512, maxAgeMs: 3_600_000 } as const;

/** What a worker looks like from outside (tests, benchmarks, metrics). */
export interface RenderWorkerInfo {
  readonly pid: number | undefined;
  readonly rssBytes: number;
  readonly inFlight: number;
  readonly ageMs: number;
}

/**
 * Long-lived render workers, started on first use and reused across revisions and GitSyncs. A worker that died is
 * started again for the next request; one past its memory or age budget is retired (it finishes what it holds)
 * and replaced at once, so the next request finds a warm one.
 */
export class RenderPool {
  readonly #options: Required<RenderPoolOptions>;
  readonly #slots: (RenderWorker | undefined)[];

  constructor(options: RenderPoolOptions = {}) {
    this.#options = { ...DEFAULT_RENDER_POOL, ...options };
    this.#slots = Array.from({ length: Math.max(1, Math.floor(this.#options.size)) }, () => undefined);
  }

  async request<T>(affinity: string, request: RenderRequest | ResolveChartRequest, call: WorkerCall): Promise<T> {
    const slot = this.#slotOf(affinity);
    const worker = this.#worker(slot);
    try {
      return await worker.request<T>(request, call);
    } finally {
      this.#checkBudget(slot, worker);
    }
  }

  /** The live workers. */
  workers(): RenderWorkerInfo[] {
    return this.#slots.flatMap((w) =>
      w?.usable ? [{ pid: w.pid, rssBytes: w.rssBytes, inFlight: w.inFlight, ageMs: Date.now() - w.startedAt }] : [],
    );
  }

  /** Kills every worker (tests, shutdown); the next request starts new ones. */
  async close(): Promise<void> {
    const running = this.#slots.filter((w): w is RenderWorker => w !== undefined);
    this.#slots.fill(undefined);
    for (const worker of running) worker.kill();
    await Promise.all(running.map((w) => w.exited));
  }

  #slotOf(affinity: string): number {
    if (this.#slots.length === 1) return 0;
    return createHash('sha256').update(affinity).digest().readUInt32BE(0) % this.#slots.length;
  }

  #worker(slot: number): RenderWorker {
    const current = this.#slots[slot];
    if (current?.usable) return current;
    const started = new RenderWorker({ maxHeapMb: this.#options.maxHeapMb });
    this.#slots[slot] = started;
    return started;
  }

  #checkBudget(slot: number, worker: RenderWorker): void {
    if (!worker.usable || this.#slots[slot] !== worker) return;
    const old = Date.now() - worker.startedAt > this.#options.maxAgeMs;
    if (!old && worker.rssBytes <= this.#options.maxRssMb * 1024 * 1024) return;
    worker.retire();
    this.#slots[slot] = new RenderWorker({ maxHeapMb: this.#options.maxHeapMb });
  }
}

let shared: RenderPool | undefined;

/** The process's render pool, created on first use with the defaults. */
export function defaultRenderPool(): RenderPool {
  shared ??= new RenderPool();
  return shared;
}
