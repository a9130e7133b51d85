/**
 * Rendezvous (highest-random-weight) hashing: an object belongs to the member with the highest weight for it.
 * Adding a member moves only the objects it now wins (about 1/N); removing one moves only its own objects.
 *
 * The weights are part of the contract between replicas: every replica must compute the same owner from the same
 * members, so the hash below never changes without a new {@link RENDEZVOUS_SCHEME} (replicas announce theirs).
 */
export const RENDEZVOUS_SCHEME = 'rendezvous-murmur3-v1';

/** MurmurHash3's 32-bit finaliser: every input bit flips each output bit with probability about 1/2. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 (x86, 32-bit) over the string's UTF-16 code units, two at a time. */
export function murmur3(text: string, seed: number): number {
  let h = seed >>> 0;
  const mix = (k: number): void => {
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  };
  let i = 0;
  for (; i + 1 < text.length; i += 2) mix(text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16));
  if (i < text.length) {
    let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  h ^= text.length * 2;
  return fmix32(h);
}

/** Two independent 32-bit hashes of a string: 52 bits of weight, so ties are practically impossible. */
export type Hash2 = readonly [number, number];

const SEED_A = 0x9747b28c;
const SEED_B = 0x5bd1e995;

export function hash2(text: string): Hash2 {
  return [murmur3(text, SEED_A), murmur3(text, SEED_B)];
}

/** The weight of (member, object): a 52-bit integer, exact in a double. */
export function weight(member: Hash2, object: Hash2): number {
  const hi = fmix32(Math.imul((member[0] ^ object[0]) >>> 0, 0x9e3779b1) >>> 0);
  const lo = fmix32(Math.imul((member[1] ^ object[1]) >>> 0, 0x85ebca77) >>> 0);
  return hi * 0x100000 + (lo >>> 12);
}

/**
 * A set of members, hashed once, that answers "who owns this object?" with N weight computations per object.
 * Ties (practically impossible) go to the lexically smaller member id, so every replica agrees.
 */
export class Rendezvous {
  readonly members: readonly string[];
  readonly #hashes: readonly { readonly id: string; readonly hash: Hash2 }[];

  constructor(members: Iterable<string>) {
    this.members = [...new Set(members)].sort();
    this.#hashes = this.members.map((id) => ({ id, hash: hash2(id) }));
  }

  /** The owner of an object key (e.g. `SealedSecret/ns/name`); undefined without members. */
  ownerOf(objectKey: string): string | undefined {
    return this.ownerOfHash(hash2(objectKey));
  }

  ownerOfHash(object: Hash2): string | undefined {
    let best: string | undefined;
    let bestWeight = -1;
    for (const { id, hash } of this.#hashes) {
      const w = weight(hash, object);
      if (w > bestWeight) {
        best = id;
        bestWeight = w;
      }
    }
    return best;
  }
}

/** How one membership change moves a set of objects, seen from `self`. */
export interface Movement {
  /** Objects `self` owns after the change and did not own before. */
  readonly gained: string[];
  /** Objects `self` owned before and does not own after. */
  readonly lost: string[];
  /** Objects whose owner changed at all (any member). */
  readonly moved: number;
}

/** The objects that change hands when the members go from `before` to `after`. */
export function movement(keys: Iterable<string>, before: Rendezvous, after: Rendezvous, self: string): Movement {
  const gained: string[] = [];
  const lost: string[] = [];
  let moved = 0;
  for (const key of keys) {
    const hash = hash2(key);
    const was = before.ownerOfHash(hash);
    const is = after.ownerOfHash(hash);
    if (was === is) continue;
    moved += 1;
    if (is === self) gained.push(key);
    else if (was === self) lost.push(key);
  }
  return { gained, lost, moved };
}
