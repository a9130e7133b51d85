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
}

export const ProviderType = {
  Webhook: 'webhook',
  Slack: 'slack',
  Teams: 'teams',
  Alertmanager: 'alertmanager',
} as const;
export type ProviderType = (typeof ProviderType)[keyof typeof ProviderType];
