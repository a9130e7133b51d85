/**
 * At most `limit` holders per key at once (a namespace, a Git host): what one tenant or one slow server may occupy
 * of the shared sync workers. Acquiring never waits: a caller that gets nothing comes back later, so a hung Git
 * server delays only the GitSyncs that use it, never a worker another GitSync needs.
 */
export class FairShare {
  readonly #limit: (key: string) => number;
  readonly #held = new Map<string, number>();

  /** `limit`: slots per key, the same for every key or by key. */
  constructor(limit: number | ((key: string) => number)) {
    this.#limit = (key) => Math.max(1, typeof limit === 'number' ? limit : limit(key));
  }

  /** Takes one slot of every key, or none when any key is full; the returned function gives them back (once). */
  tryAcquire(keys: readonly string[]): (() => void) | undefined {
    const unique = [...new Set(keys)];
    if (unique.some((key) => (this.#held.get(key) ?? 0) >= this.#limit(key))) return undefined;
    for (const key of unique) this.#held.set(key, (this.#held.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const key of unique) {
        const left = (this.#held.get(key) ?? 1) - 1;
        if (left > 0) this.#held.set(key, left);
        else this.#held.delete(key);
      }
    };
  }

  /** Slots held for a key (tests, metrics). */
  held(key: string): number {
    return this.#held.get(key) ?? 0;
  }
}

/** The host part of a Git source URL (`github.com`, `[::1]:8080`, `file` for local paths); the URL when unparsable. */
export function gitHostOf(url: string): string {
  if (url.startsWith('file://')) return 'file';
  try {
    const host = new URL(url).host;
    if (host) return host.toLowerCase();
  } catch {
    // scp-like, below
  }
  const scp = /^(?:[^@/]+@)?(\[[^\]]+\]|[^:/]+):/.exec(url);
  return (scp?.[1] ?? url).toLowerCase();
}
