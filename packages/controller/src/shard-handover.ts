import { Rendezvous } from './rendezvous.js';
import type { ShardSnapshot } from './shard-view.js';

/** What one view change moves to or away from this replica: the objects to enqueue (gained) and to let go (lost). */
export interface Handover {
  readonly gained: string[];
  readonly lost: string[];
}

/** The objects (`Kind/namespace/name`) `self` may write after the change and could not before, and the reverse. */
export function handover(keys: Iterable<string>, before: ShardSnapshot, after: ShardSnapshot, self: string): Handover {
  const was = before.writing ? new Rendezvous(before.members) : undefined;
  const is = after.writing ? new Rendezvous(after.members) : undefined;
  const gained: string[] = [];
  const lost: string[] = [];
  for (const key of keys) {
    const had = was?.ownerOf(key) === self;
    const has = is?.ownerOf(key) === self;
    if (has && !had) gained.push(key);
    else if (had && !has) lost.push(key);
  }
  return { gained, lost };
}
