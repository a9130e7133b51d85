import type { NotifyEvent } from './event.js';

/** Repeats of one event folded into one notification. */
export interface FoldedRepeats {
  readonly event: NotifyEvent;
  readonly count: number;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
}

interface Entry {
  event: NotifyEvent;
  windowEnd: number;
  repeats: number;
  firstRepeat: number;
  lastSeen: number;
}

/**
 * The first occurrence of an event is sent at once and opens a window; repeats inside the window are only
 * counted, and when the window closes they become one notification carrying their count. So N repeats inside
 * one window give at most 2 notifications: the first, then "×(N−1)". Pure: the caller passes the time.
 */
export class Deduplicator {
  readonly #entries = new Map<string, Entry>();

  constructor(readonly windowMs: number) {}

  /** True when the event should be sent now; false when it was folded into the open window. */
  observe(key: string, event: NotifyEvent, now: number): boolean {
    const entry = this.#entries.get(key);
    if (entry && now < entry.windowEnd) {
      if (entry.repeats === 0) entry.firstRepeat = now;
      entry.repeats += 1;
      entry.lastSeen = now;
      entry.event = event;
      return false;
    }
    this.#entries.set(key, { event, windowEnd: now + this.windowMs, repeats: 0, firstRepeat: now, lastSeen: now });
    return true;
  }

  /** The window end of `key`, if one is open. */
  windowEnd(key: string): number | undefined {
    return this.#entries.get(key)?.windowEnd;
  }

  /** Closes every window that ended by `now` (all of them with `all`), returning the repeats they folded. */
  expire(now: number, all = false): FoldedRepeats[] {
    const folded: FoldedRepeats[] = [];
    for (const [key, entry] of this.#entries) {
      if (!all && now < entry.windowEnd) continue;
      this.#entries.delete(key);
      if (entry.repeats > 0) {
        folded.push({
          event: entry.event,
          count: entry.repeats,
          firstSeen: new Date(entry.firstRepeat),
          lastSeen: new Date(entry.lastSeen),
        });
      }
    }
    return folded;
  }

  get size(): number {
    return this.#entries.size;
  }
}
