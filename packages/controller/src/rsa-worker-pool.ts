import { Worker } from 'node:worker_threads';
import { Redacted, type HeldKey } from '@gitseal/crypto';
import type { Logger } from 'pino';
import { ControllerError, ControllerErrorCode } from './controller-error.js';
import type { GeneratedKey, GeneratedKeyMessage, RsaWorkerRequest, RsaWorkerResponse } from './rsa-worker-messages.js';
import { mergeReseal, mergeUnseal, type SliceRest } from './rsa-slice.js';
import type { ResealOutcome, ResealRequest, UnsealOutcome, UnsealRequest } from './unseal-sealed-secret.js';

/** Wraps the key bytes from a worker in Redacted and zeroes the cloned message copy. */
function wrapGeneratedKey(message: GeneratedKeyMessage): GeneratedKey {
  const keyPem = new Redacted(message.keyPem);
  message.keyPem.fill(0);
  return { keyPem, certPem: message.certPem };
}

/** Who waits for an RSA task: reconcilers (and key generation) go first, API requests get what is left. */
export const RsaPriority = {
  /** The SealedSecret reconciler, the sync engine's preflight, key generation. The default. */
  Reconciler: 'reconciler',
  /** `POST /v1/verify` and `/v1/rotate`: capped share of the workers, sliced, after every waiting reconciler task. */
  Api: 'api',
} as const;
export type RsaPriority = (typeof RsaPriority)[keyof typeof RsaPriority];

export interface RsaTaskOptions {
  readonly priority?: RsaPriority;
}

type UnsealOk = Extract<UnsealOutcome, { ok: true }>;
type ResealOk = Extract<ResealOutcome, { ok: true }>;

/** A task; an API unseal or reseal also carries what its earlier slices gave. */
type Task =
  | {
      type: 'unseal';
      request: UnsealRequest;
      discardData: boolean;
      done?: UnsealOk;
      resolve: (o: UnsealOutcome) => void;
    }
  | { type: 'reseal'; request: ResealRequest; done?: ResealOk; resolve: (o: ResealOutcome) => void }
  | { type: 'generate'; bits: number; resolve: (o: GeneratedKey) => void };

type Pending = Task & { priority: RsaPriority; reject: (error: Error) => void };

interface Slot {
  worker: Worker;
  busy: (Pending & { id: number }) | undefined;
  /** Set while the worker is idle: when it fires, the worker is retired. */
  idleTimer: NodeJS.Timeout | undefined;
  /** Taken out of the pool (idle, or closed): its exit is expected and not replaced. */
  retired: boolean;
}

export interface RsaWorkerPoolOptions {
  /** Most worker threads at once. Workers start when a task waits for one and stop after `idleMs` without work. */
  readonly size: number;
  /**
   * How long a worker may stay idle before it stops; default 30 s. Each worker is an isolate of its own (~10 MiB
   * resident with the keys), so an idle controller keeps none; the next task starts one in ~50 ms.
   */
  readonly idleMs?: number;
  /**
   * Nice value of each worker thread (Linux: per thread); default 10, 0 keeps the process's. Workers yield the CPU
   * to the main thread, so bulk unsealing does not delay the event loop.
   */
  readonly niceness?: number;
  readonly logger: Logger;
  /** Called with the RSA private operations each finished task (or API slice) spent, and whose they were. */
  readonly onRsaOperations?: (count: number, priority: RsaPriority) => void;
  /** Workers API tasks may occupy at once; default `max(1, floor(size / 2))`, never more than size. */
  readonly apiWorkers?: number;
  /**
   * RSA operations an API task may spend on a worker before it goes back to the queue (behind every waiting
   * reconciler task); default 8, about 25 ms at 4096 bits. Reconciler tasks are never sliced.
   */
  readonly apiSliceOperations?: number;
}

/** What the pool is doing, for tests and gauges. */
export interface RsaPoolStats {
  readonly busy: number;
  readonly busyApi: number;
  readonly queuedReconciler: number;
  readonly queuedApi: number;
}

export const DEFAULT_API_SLICE_OPERATIONS = 8;
export const DEFAULT_IDLE_MS = 30_000;
export const DEFAULT_NICENESS = 10;

/**
 * A pool of up to `size` worker threads that do every RSA private operation, so the main event loop stays
 * responsive. One task per worker at a time. Workers start lazily, when a task waits and every running worker is
 * busy, and stop after `idleMs` without a task, so the pool is as large as the work (none when idle). A crashed
 * worker fails its task; the next task that waits starts a new one.
 *
 * Two queues, each first in first out: a free worker takes the oldest reconciler task, and only when none waits
 * an API task, and only while fewer than `apiWorkers` workers run API tasks. An API unseal or reseal runs in
 * slices of about `apiSliceOperations` RSA operations; after each slice it goes to the back of the API queue.
 * So a reconciler task that arrives behind any number of API tasks waits for at most one API slice (the first
 * worker to free up), and with one worker API tasks run only while no reconciler task waits.
 */
export class RsaWorkerPool {
  readonly #slots: Slot[] = [];
  readonly #reconcilerQueue: Pending[] = [];
  readonly #apiQueue: Pending[] = [];
  readonly #logger: Logger;
  readonly #onRsaOperations: (count: number, priority: RsaPriority) => void;
  readonly #apiWorkers: number;
  readonly #apiSlice: number;
  readonly #maxSize: number;
  readonly #idleMs: number;
  readonly #niceness: number;
  #started = 0;
  #keys: readonly HeldKey[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: RsaWorkerPoolOptions) {
    this.#logger = options.logger;
    this.#onRsaOperations = options.onRsaOperations ?? (() => undefined);
    const size = Math.max(1, options.size);
    this.#maxSize = size;
    this.#idleMs = Math.max(0, options.idleMs ?? DEFAULT_IDLE_MS);
    this.#niceness = Math.min(19, Math.max(0, options.niceness ?? DEFAULT_NICENESS));
    this.#apiWorkers = Math.min(size, Math.max(1, options.apiWorkers ?? Math.floor(size / 2)));
    this.#apiSlice = Math.max(1, options.apiSliceOperations ?? DEFAULT_API_SLICE_OPERATIONS);
  }

  /** Worker threads running now (0 to maxSize). */
  get size(): number {
    return this.#slots.length;
  }

  /** Most worker threads at once. */
  get maxSize(): number {
    return this.#maxSize;
  }

  /** Workers started since the pool was made (for tests and the bench). */
  get workersStarted(): number {
    return this.#started;
  }

  /** Workers API tasks may occupy at once. */
  get apiWorkers(): number {
    return this.#apiWorkers;
  }

  /** Tasks waiting for a worker. */
  get queued(): number {
    return this.#reconcilerQueue.length + this.#apiQueue.length;
  }

  get stats(): RsaPoolStats {
    const busy = this.#slots.filter((s) => s.busy);
    return {
      busy: busy.length,
      busyApi: busy.filter((s) => s.busy?.priority === RsaPriority.Api).length,
      queuedReconciler: this.#reconcilerQueue.length,
      queuedApi: this.#apiQueue.length,
    };
  }

  /** Replaces the key ring in every worker; tasks posted afterwards see the new keys. */
  setKeys(keys: readonly HeldKey[]): void {
    // Only what decryption needs: KeyObjects clone across threads; certificates stay here.
    this.#keys = keys.map(({ keyId, fingerprint, privateKey, publicKey, notBefore }) => ({
      keyId,
      fingerprint,
      privateKey,
      publicKey,
      notBefore,
    }));
    for (const slot of this.#slots) this.#post(slot, { type: 'keys', keys: this.#keys });
  }

  unseal(request: UnsealRequest, options: RsaTaskOptions & { discardData?: boolean } = {}): Promise<UnsealOutcome> {
    return new Promise((resolve, reject) => {
      const discardData = options.discardData ?? false;
      this.#submit({ type: 'unseal', request, discardData, resolve, reject, priority: priorityOf(options) });
    });
  }

  reseal(request: ResealRequest, options: RsaTaskOptions = {}): Promise<ResealOutcome> {
    return new Promise((resolve, reject) =>
      this.#submit({ type: 'reseal', request, resolve, reject, priority: priorityOf(options) }),
    );
  }

  /** A new RSA key pair and self-signed certificate, made off the main thread (reconciler priority). */
  generateKey(bits: number): Promise<GeneratedKey> {
    return new Promise((resolve, reject) =>
      this.#submit({ type: 'generate', bits, resolve, reject, priority: RsaPriority.Reconciler }),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of [...this.#reconcilerQueue.splice(0), ...this.#apiQueue.splice(0)]) {
      pending.reject(new ControllerError(ControllerErrorCode.WorkerFailed, 'RSA worker pool closed'));
    }
    const slots = this.#slots.splice(0);
    for (const slot of slots) {
      slot.retired = true;
      clearTimeout(slot.idleTimer);
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
    for (const slot of slots) {
      slot.busy?.reject(new ControllerError(ControllerErrorCode.WorkerFailed, 'RSA worker pool closed'));
      slot.busy = undefined;
    }
  }

  #spawn(): Slot {
    // A worker's garbage is short-lived buffers: a small young generation keeps each thread's memory small.
    const worker = new Worker(new URL('./rsa-worker.js', import.meta.url), {
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
      workerData: { niceness: this.#niceness },
    });
    const slot: Slot = { worker, busy: undefined, idleTimer: undefined, retired: false };
    this.#started += 1;
    worker.on('message', (message: RsaWorkerResponse) => this.#finish(slot, message));
    worker.on('error', (error) => {
      this.#logger.error({ err: { name: error.name, code: (error as { code?: string }).code } }, 'rsa worker failed');
    });
    worker.on('exit', (code) => this.#replace(slot, code));
    if (this.#keys.length > 0) this.#post(slot, { type: 'keys', keys: this.#keys });
    return slot;
  }

  #post(slot: Slot, message: RsaWorkerRequest): void {
    slot.worker.postMessage(message);
  }

  /** A worker exited: unless it was retired, its task fails and it leaves the pool; waiting tasks start another. */
  #replace(slot: Slot, exitCode: number): void {
    clearTimeout(slot.idleTimer);
    if (slot.retired) return;
    const failed = slot.busy;
    slot.busy = undefined;
    failed?.reject(new ControllerError(ControllerErrorCode.WorkerFailed, `RSA worker exited (code ${exitCode})`));
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots.splice(index, 1);
    if (this.#closed) return;
    this.#logger.warn({ exitCode }, 'rsa worker exited');
    this.#drain();
  }

  /** An idle worker stops after idleMs; a task given to it first cancels that. */
  #idle(slot: Slot): void {
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => this.#retire(slot), this.#idleMs);
    slot.idleTimer.unref();
  }

  #retire(slot: Slot): void {
    if (slot.busy || slot.retired) return;
    slot.retired = true;
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots.splice(index, 1);
    void slot.worker.terminate();
  }

  #submit(task: Pending): void {
    if (this.#closed) {
      task.reject(new ControllerError(ControllerErrorCode.WorkerFailed, 'RSA worker pool closed'));
      return;
    }
    (task.priority === RsaPriority.Api ? this.#apiQueue : this.#reconcilerQueue).push(task);
    this.#drain();
  }

  /** The next task for a free worker: a reconciler's first; an API task only while the API share is not used up. */
  #next(): Pending | undefined {
    const reconciler = this.#reconcilerQueue.shift();
    if (reconciler) return reconciler;
    if (this.#apiQueue.length === 0) return undefined;
    const busyApi = this.#slots.filter((s) => s.busy?.priority === RsaPriority.Api).length;
    return busyApi < this.#apiWorkers ? this.#apiQueue.shift() : undefined;
  }

  /** A free worker for a waiting task: an idle one, else a new one while fewer than maxSize run. */
  #freeSlot(): Slot | undefined {
    const idle = this.#slots.find((s) => !s.busy);
    if (idle || this.#slots.length >= this.#maxSize) return idle;
    const slot = this.#spawn();
    this.#slots.push(slot);
    return slot;
  }

  #drain(): void {
    for (;;) {
      if (this.#closed || !this.#hasRunnable()) break;
      const slot = this.#freeSlot();
      if (!slot) break;
      const task = this.#next();
      if (!task) break;
      clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
      const id = this.#nextId++;
      slot.busy = { ...task, id };
      const slice = task.priority === RsaPriority.Api ? { maxRsaOperations: this.#apiSlice } : {};
      if (task.type === 'unseal') {
        this.#post(slot, { type: 'unseal', id, request: task.request, discardData: task.discardData, ...slice });
      } else if (task.type === 'reseal') {
        this.#post(slot, { type: 'reseal', id, request: task.request, ...slice });
      } else {
        this.#post(slot, { type: 'generate', id, bits: task.bits });
      }
    }
    for (const slot of this.#slots) {
      if (!slot.busy && slot.idleTimer === undefined) this.#idle(slot);
    }
  }

  /** Whether #next would hand out a task now (without taking it). */
  #hasRunnable(): boolean {
    if (this.#reconcilerQueue.length > 0) return true;
    if (this.#apiQueue.length === 0) return false;
    return this.#slots.filter((s) => s.busy?.priority === RsaPriority.Api).length < this.#apiWorkers;
  }

  #finish(slot: Slot, message: RsaWorkerResponse): void {
    const task = slot.busy;
    if (!task || task.id !== message.id) return;
    slot.busy = undefined;
    this.#onRsaOperations(message.outcome.rsaOperations, task.priority);
    if (task.type === 'unseal' && message.type === 'unseal') {
      const outcome = mergeUnseal(task.done, message.outcome);
      if (outcome.ok && message.rest)
        this.#again({ ...task, request: restOf(task.request, message.rest), done: outcome });
      else task.resolve(outcome);
    } else if (task.type === 'reseal' && message.type === 'reseal') {
      const outcome = mergeReseal(task.done, message.outcome);
      if (outcome.ok && message.rest)
        this.#again({ ...task, request: restOf(task.request, message.rest), done: outcome });
      else task.resolve(outcome);
    } else if (task.type === 'generate' && message.type === 'generate') {
      task.resolve(wrapGeneratedKey(message.outcome));
    } else {
      task.reject(new ControllerError(ControllerErrorCode.WorkerFailed, 'RSA worker answered the wrong task'));
    }
    this.#drain();
  }

  /** Queues the rest of a sliced task again, behind the API tasks already waiting. */
  #again(task: Pending & { id: number }): void {
    const { id: _id, ...pending } = task;
    if (this.#closed) {
      pending.reject(new ControllerError(ControllerErrorCode.WorkerFailed, 'RSA worker pool closed'));
      return;
    }
    this.#apiQueue.push(pending);
  }
}

/** The same request for only the items a slice left, with the key to try first. */
function restOf<R extends UnsealRequest>(request: R, rest: SliceRest): R {
  const encryptedData = Object.fromEntries(rest.items.map((item) => [item, request.encryptedData[item] ?? '']));
  const { preferKeyId: _hint, ...base } = request;
  return { ...base, encryptedData, ...(rest.preferKeyId ? { preferKeyId: rest.preferKeyId } : {}) } as R;
}

function priorityOf(options: RsaTaskOptions): RsaPriority {
  return options.priority ?? RsaPriority.Reconciler;
}
