import { Worker } from 'node:worker_threads';
import { Redacted, type HeldKey } from '@gitseal/crypto';
import type { Logger } from 'pino';
import { ControllerError, ControllerErrorCode } from './controller-error.js';
import type { GeneratedKey, GeneratedKeyMessage, RsaWorkerRequest, RsaWorkerResponse } from './rsa-worker-messages.js';
import type { ResealOutcome, ResealRequest, UnsealOutcome, UnsealRequest } from './unseal-sealed-secret.js';

/** Wraps the key bytes from a worker in Redacted and zeroes the cloned message copy. */
function wrapGeneratedKey(message: GeneratedKeyMessage): GeneratedKey {
  const keyPem = new Redacted(message.keyPem);
  message.keyPem.fill(0);
  return { keyPem, certPem: message.certPem };
}

type Task =
  | { type: 'unseal'; request: UnsealRequest; discardData: boolean; resolve: (o: UnsealOutcome) => void }
  | { type: 'reseal'; request: ResealRequest; resolve: (o: ResealOutcome) => void }
  | { type: 'generate'; bits: number; resolve: (o: GeneratedKey) => void };

type Pending = Task & { reject: (error: Error) => void };

interface Slot {
  worker: Worker;
  busy: (Pending & { id: number }) | undefined;
}

export interface RsaWorkerPoolOptions {
  readonly size: number;
  readonly logger: Logger;
  /** Called with the RSA private operations each finished task spent. */
  readonly onRsaOperations?: (count: number) => void;
}

/**
 * A fixed pool of worker threads that do every RSA private operation, so the main event loop stays responsive.
 * One task per worker at a time; tasks wait in a FIFO. A crashed worker fails its task and is replaced.
 */
export class RsaWorkerPool {
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  readonly #logger: Logger;
  readonly #onRsaOperations: (count: number) => void;
  #keys: readonly HeldKey[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: RsaWorkerPoolOptions) {
    this.#logger = options.logger;
    this.#onRsaOperations = options.onRsaOperations ?? (() => undefined);
    for (let i = 0; i < Math.max(1, options.size); i++) this.#slots.push(this.#spawn());
  }

  get size(): number {
    return this.#slots.length;
  }

  /** Tasks waiting for a worker. */
  get queued(): number {
    return this.#queue.length;
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

  unseal(request: UnsealRequest, options: { discardData?: boolean } = {}): Promise<UnsealOutcome> {
    return new Promise((resolve, reject) => {
      this.#submit({ type: 'unseal', request, discardData: options.discardData ?? false, resolve, reject });
    });
  }

  reseal(request: ResealRequest): Promise<ResealOutcome> {
    return new Promise((resolve, reject) => this.#submit({ type: 'reseal', request, resolve, reject }));
  }

  /** A new RSA key pair and self-signed certificate, made off the main thread. */
  generateKey(bits: number): Promise<GeneratedKey> {
    return new Promise((resolve, reject) => this.#submit({ type: 'generate', bits, resolve, reject }));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#queue.splice(0)) {
      pending.reject(new ControllerError(ControllerErrorCode.WorkerFailed, 'RSA worker pool closed'));
    }
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }

  #spawn(): Slot {
    // A worker's garbage is short-lived buffers: a small young generation keeps each thread's memory small.
    const worker = new Worker(new URL('./rsa-worker.js', import.meta.url), {
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    const slot: Slot = { worker, busy: undefined };
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

  #replace(slot: Slot, exitCode: number): void {
    const failed = slot.busy;
    slot.busy = undefined;
    failed?.reject(new ControllerError(ControllerErrorCode.WorkerFailed, `RSA worker exited (code ${exitCode})`));
    if (this.#closed) return;
    this.#logger.warn({ exitCode }, 'rsa worker replaced');
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots[index] = this.#spawn();
    this.#drain();
  }

  #submit(task: Pending): void {
    if (this.#closed) {
      task.reject(new ControllerError(ControllerErrorCode.WorkerFailed, 'RSA worker pool closed'));
      return;
    }
    this.#queue.push(task);
    this.#drain();
  }

  #drain(): void {
    for (const slot of this.#slots) {
      if (slot.busy) continue;
      const task = this.#queue.shift();
      if (!task) return;
      const id = this.#nextId++;
      slot.busy = { ...task, id };
      if (task.type === 'unseal') {
        this.#post(slot, { type: 'unseal', id, request: task.request, discardData: task.discardData });
      } else if (task.type === 'reseal') {
        this.#post(slot, { type: 'reseal', id, request: task.request });
      } else {
        this.#post(slot, { type: 'generate', id, bits: task.bits });
      }
    }
  }

  #finish(slot: Slot, message: RsaWorkerResponse): void {
    const task = slot.busy;
    if (!task || task.id !== message.id) return;
    slot.busy = undefined;
    this.#onRsaOperations(message.outcome.rsaOperations);
    if (task.type === 'unseal' && message.type === 'unseal') task.resolve(message.outcome);
    else if (task.type === 'reseal' && message.type === 'reseal') task.resolve(message.outcome);
    else if (task.type === 'generate' && message.type === 'generate') task.resolve(wrapGeneratedKey(message.outcome));
    else task.reject(new ControllerError(ControllerErrorCode.WorkerFailed, 'RSA worker answered the wrong task'));
    this.#drain();
  }
}
