import type { OrderKey } from './provider.js';

interface Newest {
  readonly at: number;
  readonly rank: number;
  readonly ticket: number;
}

/**
 * Per key, the newest notification a channel has taken: by time, then rank, then arrival. An arrival older than the
 * newest of its key is refused at once (a deduplicated repeat released at its window's end, after a newer state); a
 * taken one can later ask whether a newer one has come since. Keys are forgotten oldest-first beyond `capacity`.
 */
export class NewestByKey {
  readonly #newest = new Map<string, Newest>();
  #tickets = 0;

  constructor(readonly capacity = 10_000) {}

  /** A ticket for this arrival, or undefined when its key already has a newer one. */
  observe(order: OrderKey, at: number): number | undefined {
    const current = this.#newest.get(order.key);
    if (current && (at < current.at || (at === current.at && order.rank < current.rank))) return undefined;
    const ticket = (this.#tickets += 1);
    this.#newest.delete(order.key);
    this.#newest.set(order.key, { at, rank: order.rank, ticket });
    if (this.#newest.size > this.capacity) {
      const oldest = this.#newest.keys().next().value;
      if (oldest !== undefined) this.#newest.delete(oldest);
    }
    return ticket;
  }

  /** False once a newer arrival took the key. */
  isNewest(key: string, ticket: number): boolean {
    const current = this.#newest.get(key);
    return current === undefined || current.ticket === ticket;
  }

  get size(): number {
    return this.#newest.size;
  }
}
