import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which object (`Kind/namespace/name`) the code running now reconciles, carried across awaits: the write fences
 * deep in the sync engine ask it, so every write of a reconcile is fenced by that object's owner without each
 * layer passing the key along.
 */
export class ObjectScope {
  readonly #storage = new AsyncLocalStorage<string>();

  /** Runs `work` (and everything it awaits or schedules) as the reconcile of `key`. */
  run<T>(key: string, work: () => T): T {
    return this.#storage.run(key, work);
  }

  /** The object being reconciled here; undefined outside any reconcile. */
  current(): string | undefined {
    return this.#storage.getStore();
  }
}
