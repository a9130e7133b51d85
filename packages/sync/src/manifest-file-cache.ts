import { basename } from 'node:path';
import type { ManifestFileCache, RenderedObject } from './render.js';
import { parseTreeListing } from './render-inputs.js';

const REGULAR = new Set(['100644', '100755']);

interface Entry {
  readonly objects: readonly RenderedObject[];
  readonly bytes: number;
}

/** Parsed files by content, least recently used dropped first once their files pass `maxBytes` in all. */
export class ParsedFiles {
  readonly #maxBytes: number;
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  constructor(maxBytes = 64 * 1024 * 1024) {
    this.#maxBytes = maxBytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * The cache for a render of a checkout whose tree is `listing` (git ls-tree -r -t -l -z): files are known by
   * blob id when they are tracked regular files. None when the tree has a .gitattributes anywhere (its filters
   * and line-ending rules can make the same blob check out differently).
   */
  forListing(listing: string): ManifestFileCache | undefined {
    const entries = parseTreeListing(listing);
    if (entries.some((e) => basename(e.path) === '.gitattributes')) return undefined;
    const blobs = new Map(entries.filter((e) => REGULAR.has(e.mode)).map((e) => [e.path, e.oid]));
    return {
      keyOf: (relPath) => blobs.get(relPath),
      get: (key) => this.#get(key),
      set: (key, objects, bytes) => this.#set(key, { objects, bytes }),
    };
  }

  #get(key: string): readonly RenderedObject[] | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.objects;
  }

  #set(key: string, entry: Entry): void {
    const old = this.#entries.get(key);
    if (old) this.#bytes -= old.bytes;
    this.#entries.delete(key);
    if (entry.bytes > this.#maxBytes) return;
    this.#entries.set(key, entry);
    this.#bytes += entry.bytes;
    for (const [oldest, { bytes }] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= bytes;
    }
  }
}
