import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { RenderRequest, ResolveChartRequest, WorkerResponse } from './render-messages.js';
import { SyncError, SyncErrorCode, type SyncErrorCode as Code } from './sync-error.js';

const CHILD = fileURLToPath(new URL('./render-child.js', import.meta.url));
/** All the worker may see of the controller's environment: the tool path and proxies (no KUBECONFIG etc.). */
const PASSED = ['PATH', 'TMPDIR', 'http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];

export function childEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = { LANG: 'C' };
  for (const name of PASSED) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

const CODES = new Set<string>(Object.values(SyncErrorCode));
export const renderProcessError = (message: string): SyncError => new SyncError(SyncErrorCode.RenderProcess, message);

export interface WorkerCall {
  /** Names the work in messages (`fetch and render`). */
  readonly what: string;
  readonly timeoutMs: number;
  /** Largest answer accepted, as JSON. */
  readonly maxOutputBytes: number;
}

interface Pending {
  readonly call: WorkerCall;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: SyncError) => void;
  readonly timer: NodeJS.Timeout;
}

/** Frames larger than every request's cap are a broken worker: it is stopped. */
const MAX_FRAME_BYTES = 256 * 1024 * 1024;

/**
 * One render worker process (render-child.ts): a Node process with a clean environment (no private keys, no
 * Kubernetes credentials, nothing inherited but PATH and proxies) and a heap limit, answering requests over its
 * stdin/stdout, several at a time. A request that times out is failed at once and the worker is retired: it takes
 * no new requests and is killed as soon as the others it holds are done. When it dies, every request it held fails
 * with RENDER_PROCESS, naming the signal or exit code.
 */
export class RenderWorker {
  readonly startedAt = Date.now();
  readonly #child: ChildProcessByStdio<Writable, Readable, null>;
  readonly #pending = new Map<number, Pending>();
  readonly exited: Promise<void>;
  #nextId = 1;
  #retired = false;
  #ended = false;
  #rss = 0;
  #frame: Buffer[] = [];
  #frameBytes = 0;
  /** Why the worker was stopped on purpose (a broken frame), for the requests it held. */
  #stopReason: string | undefined;

  /** `isolation`: whose requests this worker serves (shown in its command line, for `ps` and tests). */
  constructor(options: {
    readonly maxHeapMb: number;
    readonly isolation?: string;
    /** More V8 flags for the worker (render-pool.ts sets its young generation). */
    readonly v8Flags?: readonly string[];
  }) {
    const label = options.isolation === undefined ? [] : [`--isolation=${options.isolation}`];
    const flags = [`--max-old-space-size=${options.maxHeapMb}`, ...(options.v8Flags ?? [])];
    this.#child = spawn(process.execPath, [...flags, CHILD, ...label], {
      env: childEnvironment(),
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    // The worker never keeps the controller alive: a pending request's timer does, while it waits.
    this.#child.unref();
    for (const stream of [this.#child.stdin, this.#child.stdout] as unknown as { unref?: () => void }[]) {
      stream.unref?.();
    }
    this.#child.stdin.on('error', () => undefined);
    this.#child.stdout.on('data', (chunk: Buffer) => this.#read(chunk));
    this.exited = new Promise((resolve) => {
      this.#child.on('error', () => {
        this.#end('the render process could not be started');
        resolve();
      });
      this.#child.on('close', (code, signal) => {
        this.#end(`the render process ended unexpectedly (${signal ? `killed by ${signal}` : `exit ${code}`})`);
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Resident memory the worker last reported (bytes). */
  get rssBytes(): number {
    return this.#rss;
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  /** Takes requests: started, not retired, not dead. */
  get usable(): boolean {
    return !this.#retired && !this.#ended;
  }

  request<T>(request: RenderRequest | ResolveChartRequest, call: WorkerCall): Promise<T> {
    if (!this.usable) return Promise.reject(renderProcessError(`${call.what}: the render process is not running`));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#settle(id)?.reject(
          renderProcessError(`${call.what} took longer than ${Math.round(call.timeoutMs / 1000)}s`),
        );
        // Whatever hangs in there is stopped with the worker, once the other requests it holds are done.
        this.retire();
      }, call.timeoutMs);
      this.#pending.set(id, { call, resolve: resolve as (value: unknown) => void, reject, timer });
      const line = JSON.stringify({ id, maxOutputBytes: call.maxOutputBytes, request });
      this.#child.stdin.write(`${line}\n`);
    });
  }

  /** No new requests; killed once the ones it holds are done (at once when it holds none). */
  retire(): void {
    this.#retired = true;
    if (this.#pending.size === 0) this.kill();
  }

  kill(): void {
    this.#retired = true;
    if (!this.#ended) this.#child.kill('SIGKILL');
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.#pending.delete(id);
    if (this.#retired && this.#pending.size === 0) queueMicrotask(() => this.kill());
    return pending;
  }

  #read(chunk: Buffer): void {
    let rest = chunk;
    for (let newline = rest.indexOf(10); newline >= 0; newline = rest.indexOf(10)) {
      this.#frame.push(rest.subarray(0, newline));
      const text = Buffer.concat(this.#frame).toString('utf8');
      [this.#frame, this.#frameBytes] = [[], 0];
      rest = rest.subarray(newline + 1);
      this.#answer(text);
    }
    this.#frameBytes += rest.length;
    if (rest.length > 0) this.#frame.push(rest);
    if (this.#frameBytes > MAX_FRAME_BYTES) this.#stop('the render process sent an answer too large to read');
  }

  #answer(text: string): void {
    let frame: WorkerResponse;
    try {
      frame = JSON.parse(text) as WorkerResponse;
    } catch {
      this.#stop('the render process sent an unreadable answer');
      return;
    }
    this.#rss = frame.rss;
    const pending = this.#settle(frame.id);
    if (!pending) return; // timed out already
    const { what, maxOutputBytes } = pending.call;
    if ('oversized' in frame) {
      pending.reject(renderProcessError(`${what}: answer larger than ${maxOutputBytes} bytes as JSON`));
      return;
    }
    const { response } = frame;
    if (response.ok) {
      pending.resolve(response);
      return;
    }
    const known = CODES.has(response.code) ? (response.code as Code) : SyncErrorCode.RenderProcess;
    pending.reject(new SyncError(known, response.message));
  }

  #stop(reason: string): void {
    this.#stopReason ??= reason;
    this.kill();
  }

  #end(reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    const why = this.#stopReason ?? reason;
    for (const [id, pending] of this.#pending) {
      this.#settle(id);
      pending.reject(renderProcessError(`${pending.call.what}: ${why}; it is started again for the next sync`));
    }
  }
}
