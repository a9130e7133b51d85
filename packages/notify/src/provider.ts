import { NotificationProviderType } from '@gitseal/manifests';
import type { Notification } from './notification.js';

/**
 * A configured receiver. `name` is what logs, errors and metrics call it (e.g. `team-a/slack`): never its URL,
 * which often carries a token. `send` resolves once the receiver accepted the notification and rejects with a
 * {@link DeliveryError} otherwise.
 */
export interface Provider {
  readonly name: string;
  readonly type: ProviderType;
  send(notification: Notification, signal?: AbortSignal): Promise<void>;
  /**
   * For a receiver that keeps only the newest state per key (a commit status per commit and context): the key and the
   * state's rank. The channel then never sends a notification once a newer one for its key arrived (newer: a later
   * `lastSeen`, then a higher rank, then a later arrival), so a retried or late older state cannot overwrite it.
   */
  orderKey?(notification: Notification): OrderKey | undefined;
}

export interface OrderKey {
  readonly key: string;
  /** Breaks a tie of times: a final state (1) beats a pending one (0) seen in the same millisecond. */
  readonly rank: number;
}

/** The kinds of receiver: the types a NotificationProvider may name (one list, in @gitseal/manifests). */
export const ProviderType = NotificationProviderType;
export type ProviderType = NotificationProviderType;
