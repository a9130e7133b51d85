import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { Watch } from './client-node.js';
import type { Logger } from 'pino';
import { isGone, readApiError, safeErrorMessage } from './api-error.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { KubeError, KubeErrorCode } from './kube-error.js';
import { getJson } from './raw-request.js';
import { diffRelist } from './relist-diff.js';
import { namespacedName, resourcePath, type ResourceType } from './resource.js';

export type AddHandler<T> = (object: T) => void | Promise<void>;
export type UpdateHandler<T> = (previous: T, current: T) => void | Promise<void>;
export type DeleteHandler<T> = (lastKnown: T) => void | Promise<void>;

export interface InformerOptions<T extends KubernetesObject> {
  readonly kubeConfig: KubeConfig;
  readonly resource: ResourceType;
  /** Watch one namespace; all namespaces when absent. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly logger?: Logger;
  /** Restart the watch when no event or bookmark arrived for this long; default 5.5 min. */
  readonly watchdogMs?: number;
  /** Server-side watch timeout; default a random 4–5 min, so watches do not all end together. */
  readonly watchTimeoutSeconds?: number;
  /** Reconnect/relist delays; default 500 ms doubling to 30 s, half jittered. */
  readonly backoff?: BackoffOptions;
  /**
   * Applied to every object before it is cached or handed to a handler, e.g. stripManagedFields: a cache of
   * thousands of objects should hold only what its reconciler reads.
   */
  readonly transform?: (object: T) => T;
  /** Page size of lists; default 500. */
  readonly pageSize?: number;
  /** Deadline of each list page request; default 60 s. */
  readonly listTimeoutMs?: number;
  /**
   * Start from a snapshot (e.g. persisted) instead of a list: the cache is seeded without events, the informer
   * counts as synced, and the watch starts at `resourceVersion`. When that version is too old (410) the informer
   * relists and emits the differences, as after any 410.
   */
  readonly resumeFrom?: { readonly resourceVersion: string; readonly objects: readonly T[] };
}

/** Counters for metrics and tests. */
export interface InformerStats {
  readonly lists: number;
  readonly watches: number;
  readonly relistsAfterGone: number;
  readonly watchdogRestarts: number;
  readonly watchErrors: number;
}

type WatchEnd = 'gone' | 'closed' | 'error' | 'stale' | 'stopped';

interface WatchOutcome {
  readonly end: WatchEnd;
  readonly events: number;
}

const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000, jitter: 0.5 };
const DEFAULT_WATCHDOG_MS = 330_000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Keeps an in-memory cache of one resource type in sync: list, then watch from the list's resourceVersion with
 * bookmarks; relist on 410 Gone; reconnect with jittered exponential backoff; restart a watch that went quiet.
 * A relist emits adds, updates (changed resourceVersion) and synthetic deletes (vanished objects).
 */
export class Informer<T extends KubernetesObject = KubernetesObject> {
  readonly #options: InformerOptions<T>;
  readonly #logger: Logger | undefined;
  readonly #watch: Watch;
  readonly #path: string;
  readonly #addHandlers = new Set<AddHandler<T>>();
  readonly #updateHandlers = new Set<UpdateHandler<T>>();
  readonly #deleteHandlers = new Set<DeleteHandler<T>>();
  readonly #stats: Mutable<InformerStats> = {
    lists: 0,
    watches: 0,
    relistsAfterGone: 0,
    watchdogRestarts: 0,
    watchErrors: 0,
  };
  #cache = new Map<string, T>();
  #resourceVersion: string | undefined;
  #synced = false;
  #syncWaiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  #started = false;
  #stopped = false;
  #running: Promise<void> | undefined;
  #interrupt: (() => void) | undefined;
  #signalStopped: () => void = () => undefined;
  readonly #whenStopped = new Promise<void>((resolve) => (this.#signalStopped = resolve));

  constructor(options: InformerOptions<T>) {
    this.#options = options;
    this.#logger = options.logger?.child({ resource: options.resource.plural, namespace: options.namespace ?? '*' });
    this.#watch = new Watch(options.kubeConfig);
    this.#path = resourcePath(options.resource, options.namespace);
    if (options.resumeFrom !== undefined) {
      for (const object of options.resumeFrom.objects) this.#cache.set(namespacedName(object), object);
      this.#resourceVersion = options.resumeFrom.resourceVersion;
      this.#synced = true;
    }
  }

  /** Registers a handler; returns a function that removes it. */
  onAdd(handler: AddHandler<T>): () => void {
    this.#addHandlers.add(handler);
    return () => this.#addHandlers.delete(handler);
  }

  onUpdate(handler: UpdateHandler<T>): () => void {
    this.#updateHandlers.add(handler);
    return () => this.#updateHandlers.delete(handler);
  }

  onDelete(handler: DeleteHandler<T>): () => void {
    this.#deleteHandlers.add(handler);
    return () => this.#deleteHandlers.delete(handler);
  }

  /** Starts listing and watching in the background. Idempotent; an informer cannot restart after stop(). */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.#running = this.#run();
  }

  /** Stops the watch and every timer; resolves once the loop has ended. Pending waitForSync calls reject. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#signalStopped();
    this.#interrupt?.();
    this.#rejectSyncWaiters(new KubeError(KubeErrorCode.Stopped, `informer ${this.#options.resource.plural}: stopped`));
    await this.#running;
  }

  /** True once the cache holds a full list (or a resumed snapshot). */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** Resolves when synced; rejects with KubeError TIMEOUT after `timeoutMs`, or STOPPED when stopped first. */
  waitForSync(timeoutMs?: number): Promise<void> {
    if (this.#synced) return Promise.resolve();
    const what = `informer ${this.#options.resource.plural}`;
    if (this.#stopped) return Promise.reject(new KubeError(KubeErrorCode.Stopped, `${what}: stopped`));
    return new Promise<void>((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(
              () => reject(new KubeError(KubeErrorCode.Timeout, `${what}: not synced after ${timeoutMs} ms`)),
              timeoutMs,
            );
      this.#syncWaiters.push({
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
    });
  }

  /** The cached object of a `namespace/name` key. */
  get(key: string): T | undefined {
    return this.#cache.get(key);
  }

  /**
   * Replaces the cached object under `key` by `reshape(cached)`, without an event: for a leaner form once something
   * the transform could not see is known (another cache caught up). The same resourceVersion, the same object.
   */
  reshape(key: string, reshape: (cached: T) => T): void {
    const cached = this.#cache.get(key);
    if (cached === undefined) return;
    const reshaped = reshape(cached);
    if (reshaped !== cached) this.#cache.set(key, reshaped);
  }

  /** All cached objects. */
  list(): T[] {
    return [...this.#cache.values()];
  }

  keys(): string[] {
    return [...this.#cache.keys()];
  }

  /** The resourceVersion the next watch starts from. */
  get resourceVersion(): string | undefined {
    return this.#resourceVersion;
  }

  stats(): InformerStats {
    return { ...this.#stats };
  }

  async #run(): Promise<void> {
    let attempt = 0;
    let needList = this.#resourceVersion === undefined;
    while (!this.#stopped) {
      if (needList) {
        try {
          await Promise.race([this.#list(), this.#whenStopped]);
          needList = false;
        } catch (err) {
          this.#logger?.warn({ error: safeErrorMessage(err, 'list'), attempt }, 'list failed');
          await this.#sleep(backoffDelay(attempt, this.#backoff()));
          attempt += 1;
          continue;
        }
      }
      const outcome = await this.#watchOnce();
      if (outcome.end === 'stopped') break;
      if (outcome.end === 'gone') {
        this.#stats.relistsAfterGone += 1;
        needList = true;
      }
      if (outcome.events > 0 && outcome.end !== 'error') attempt = 0;
      await this.#sleep(backoffDelay(attempt, this.#backoff()));
      attempt += 1;
    }
  }

  #backoff(): BackoffOptions {
    return this.#options.backoff ?? DEFAULT_BACKOFF;
  }

  /** Waits, but returns early when stop() is called. */
  #sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#interrupt = done;
    });
  }

  async #list(): Promise<void> {
    const { resource, labelSelector, fieldSelector } = this.#options;
    const items = new Map<string, T>();
    let continueToken: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const page = await getJson<KubernetesListObject<T>>(this.#options.kubeConfig, {
        path: this.#path,
        query: { limit: this.#options.pageSize ?? 500, continue: continueToken, labelSelector, fieldSelector },
        what: `list ${resource.plural}`,
        timeoutMs: this.#options.listTimeoutMs ?? 60_000,
      });
      for (const item of page.items) {
        const object = this.#transform({ ...item, apiVersion: resource.apiVersion, kind: resource.kind });
        items.set(namespacedName(object), object);
      }
      continueToken = page.metadata?._continue ?? (page.metadata as { continue?: string } | undefined)?.continue;
      if (continueToken === '') continueToken = undefined;
      resourceVersion = page.metadata?.resourceVersion;
    } while (continueToken !== undefined && !this.#stopped);
    if (this.#stopped) return;
    this.#stats.lists += 1;
    const changes = diffRelist(this.#cache, items);
    this.#cache = items;
    this.#resourceVersion = resourceVersion;
    this.#logger?.debug(
      {
        resourceVersion,
        objects: items.size,
        added: changes.added.length,
        updated: changes.updated.length,
        deleted: changes.deleted.length,
      },
      'listed',
    );
    for (const object of changes.added) this.#emitAdd(object);
    for (const { previous, current } of changes.updated) this.#emitUpdate(previous, current);
    for (const object of changes.deleted) this.#emitDelete(object);
    this.#markSynced();
  }

  #transform(object: T): T {
    return this.#options.transform ? this.#options.transform(object) : object;
  }

  #markSynced(): void {
    if (this.#synced && this.#syncWaiters.length === 0) return;
    this.#synced = true;
    const waiters = this.#syncWaiters;
    this.#syncWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  #rejectSyncWaiters(err: Error): void {
    const waiters = this.#syncWaiters;
    this.#syncWaiters = [];
    for (const waiter of waiters) waiter.reject(err);
  }

  #watchTimeoutSeconds(): number {
    return this.#options.watchTimeoutSeconds ?? 240 + Math.floor(Math.random() * 60);
  }

  #watchOnce(): Promise<WatchOutcome> {
    if (this.#stopped) return Promise.resolve({ end: 'stopped', events: 0 });
    this.#stats.watches += 1;
    const { labelSelector, fieldSelector } = this.#options;
    const watchdogMs = this.#options.watchdogMs ?? DEFAULT_WATCHDOG_MS;
    return new Promise<WatchOutcome>((resolve) => {
      let settled = false;
      let events = 0;
      let controller: AbortController | undefined;
      let watchdog: NodeJS.Timeout | undefined;
      const finish = (end: WatchEnd): void => {
        if (settled) return;
        settled = true;
        clearTimeout(watchdog);
        controller?.abort();
        this.#interrupt = undefined;
        resolve({ end, events });
      };
      const armWatchdog = (): void => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => {
          this.#stats.watchdogRestarts += 1;
          this.#logger?.info({ watchdogMs, resourceVersion: this.#resourceVersion }, 'watch quiet, restarting');
          finish('stale');
        }, watchdogMs);
      };
      this.#interrupt = () => finish('stopped');
      armWatchdog();
      const onEvent = (type: string, object: unknown): void => {
        if (settled) return;
        events += 1;
        armWatchdog();
        const end = this.#handleEvent(type, object);
        if (end !== undefined) finish(end);
      };
      const onDone = (err: unknown): void => {
        if (settled) return;
        if (err === null || err === undefined) finish('closed');
        else if (isGone(err)) finish('gone');
        else {
          this.#stats.watchErrors += 1;
          this.#logger?.warn({ error: safeErrorMessage(err, 'watch') }, 'watch failed');
          finish('error');
        }
      };
      const query = {
        resourceVersion: this.#resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: this.#watchTimeoutSeconds(),
        labelSelector,
        fieldSelector,
      };
      this.#watch.watch(this.#path, query, onEvent, onDone).then(
        (started) => {
          controller = started;
          if (settled) started.abort();
        },
        (err: unknown) => onDone(err ?? new Error('watch failed')),
      );
    });
  }

  /** Applies one watch event; returns how the watch must end, if it must. */
  #handleEvent(type: string, raw: unknown): WatchEnd | undefined {
    if (type === 'ERROR') {
      if (isGone(raw)) {
        this.#logger?.info({ resourceVersion: this.#resourceVersion }, 'watch expired, relisting');
        return 'gone';
      }
      this.#stats.watchErrors += 1;
      const { status, reason } = readApiError(raw);
      this.#logger?.warn({ status, reason }, 'watch error event');
      return 'error';
    }
    const resourceVersion = (raw as T).metadata?.resourceVersion;
    if (type === 'BOOKMARK') {
      if (resourceVersion !== undefined) this.#resourceVersion = resourceVersion;
      return undefined;
    }
    if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return undefined;
    const object = this.#transform(raw as T);
    const key = namespacedName(object);
    const previous = this.#cache.get(key);
    if (resourceVersion !== undefined) this.#resourceVersion = resourceVersion;
    if (type === 'DELETED') {
      this.#cache.delete(key);
      this.#emitDelete(object);
    } else {
      this.#cache.set(key, object);
      if (previous === undefined) this.#emitAdd(object);
      else if (previous.metadata?.resourceVersion !== resourceVersion) this.#emitUpdate(previous, object);
    }
    return undefined;
  }

  #emitAdd(object: T): void {
    for (const handler of this.#addHandlers) this.#call('add', object, () => handler(object));
  }

  #emitUpdate(previous: T, current: T): void {
    for (const handler of this.#updateHandlers) this.#call('update', current, () => handler(previous, current));
  }

  #emitDelete(object: T): void {
    for (const handler of this.#deleteHandlers) this.#call('delete', object, () => handler(object));
  }

  #call(event: string, object: T, invoke: () => void | Promise<void>): void {
    const report = (err: unknown): void => {
      this.#logger?.error(
        { event, key: namespacedName(object), error: safeErrorMessage(err, 'handler') },
        'handler failed',
      );
    };
    try {
      const result = invoke();
      if (result instanceof Promise) result.catch(report);
    } catch (err) {
      report(err);
    }
  }
}

/** Creates an informer (not started). */
export function createInformer<T extends KubernetesObject = KubernetesObject>(
  options: InformerOptions<T>,
): Informer<T> {
  return new Informer<T>(options);
}
