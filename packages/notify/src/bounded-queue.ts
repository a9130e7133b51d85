/**
 * A FIFO with a fixed capacity that drops its OLDEST item when full: under a flood the receiver gets the newest
 * events, which describe the cluster as it is now. `push` returns the dropped item so the caller can count it.
 */
export class BoundedQueue<T> {
  readonly #items: T[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`queue capacity must be ≥ 1, got ${capacity}`);
  }

  push(item: T): T | undefined {
    this.#items.push(item);
    return this.#items.length > this.capacity ? this.#items.shift() : undefined;
  }

  shift(): T | undefined {
    return this.#items.shift();
  }

  clear(): T[] {
    return this.#items.splice(0);
  }

  get length(): number {
    return this.#items.length;
  }
}
