import type { NotifyEvent } from './event.js';

/** What a provider delivers: one event, or the repeats of one event folded into one with a count. */
export interface Notification {
  readonly event: NotifyEvent;
  /** How many times this event happened in the deduplication window this notification covers (1: once). */
  readonly count: number;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
  /** The link back to gitseal, from the configured URL pattern. */
  readonly link?: string;
}
