import { eventSeverity, type NotifyEvent } from './event.js';
import { eventSummary, eventTitle } from './event-text.js';
import { postJson } from './http-post.js';
import { SIGNATURE_HEADER, signBody } from './hmac-signature.js';
import type { Notification } from './notification.js';
import type { Provider } from './provider.js';

/** The generic webhook's body: documented in docs/notifications.md; `event` is the event as given, field by field. */
export interface WebhookPayload {
  readonly apiVersion: 'notify.gitseal.dev/v1';
  readonly kind: NotifyEvent['kind'];
  readonly severity: string;
  readonly title: string;
  readonly summary: string;
  readonly object: NotifyEvent['object'];
  readonly revision?: string;
  readonly count: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly link?: string;
  readonly event: Record<string, unknown>;
}

export function buildWebhookPayload(notification: Notification): WebhookPayload {
  const { event } = notification;
  const { at: _at, severity: _severity, ...details } = event;
  return {
    apiVersion: 'notify.gitseal.dev/v1',
    kind: event.kind,
    severity: eventSeverity(event),
    title: eventTitle(event),
    summary: eventSummary(event),
    object: event.object,
    ...(event.revision ? { revision: event.revision } : {}),
    count: notification.count,
    firstSeen: notification.firstSeen.toISOString(),
    lastSeen: notification.lastSeen.toISOString(),
    ...(notification.link ? { link: notification.link } : {}),
    event: details,
  };
}

export interface WebhookProviderOptions {
  readonly name: string;
  readonly url: string;
  /** The HMAC key; without one the body is sent unsigned. */
  readonly secret?: string | Buffer;
  readonly timeoutMs?: number;
}

export function webhookProvider(options: WebhookProviderOptions): Provider {
  const { url, secret } = options;
  return {
    name: options.name,
    type: 'webhook',
    send: (notification, signal) => {
      const body = JSON.stringify(buildWebhookPayload(notification));
      const headers: Record<string, string> = secret ? { [SIGNATURE_HEADER]: signBody(body, secret) } : {};
      return postJson({ provider: options.name, url, body, headers, timeoutMs: options.timeoutMs ?? 10_000, signal });
    },
  };
}
