import { eventSeverity } from './event.js';
import { eventSummary, eventTitle } from './event-text.js';
import { jsonPostProvider } from './json-provider.js';
import type { Notification } from './notification.js';
import type { Provider } from './provider.js';

export interface AlertmanagerAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL?: string;
}

export interface AlertmanagerPayloadOptions {
  /** How long an alert stays firing after its last occurrence; default 1 hour. */
  readonly resolveAfterMs?: number;
  /** Extra labels on every alert (e.g. `cluster: prod`). */
  readonly labels?: Record<string, string>;
}

/**
 * The `POST /api/v2/alerts` body: an array of alerts. Labels identify an alert (Alertmanager deduplicates on
 * them), so they hold only the kind, severity and object names, never counts or messages; those go into
 * annotations, which Alertmanager replaces with the newest ones. gitseal's events are one-off occurrences,
 * so each alert carries an `endsAt` (`lastSeen` + resolveAfterMs) instead of waiting to be re-sent.
 */
export function buildAlertmanagerPayload(
  notification: Notification,
  options: AlertmanagerPayloadOptions = {},
): AlertmanagerAlert[] {
  const { event } = notification;
  const labels: Record<string, string> = {
    ...options.labels,
    alertname: `Gitseal${event.kind}`,
    severity: eventSeverity(event),
    object_kind: event.object.kind,
    name: event.object.name,
    ...(event.object.namespace ? { namespace: event.object.namespace } : {}),
  };
  if (event.kind === 'DriftCorrected' || event.kind === 'OwnershipConflict') {
    labels.target_kind = event.target.kind;
    labels.target_name = event.target.name;
    if (event.target.namespace) labels.target_namespace = event.target.namespace;
  }
  const annotations: Record<string, string> = {
    summary: eventTitle(event),
    description: eventSummary(event),
    count: String(notification.count),
    ...(event.revision ? { revision: event.revision } : {}),
  };
  const endsAt = new Date(notification.lastSeen.getTime() + (options.resolveAfterMs ?? 3_600_000));
  return [
    {
      labels,
      annotations,
      startsAt: notification.firstSeen.toISOString(),
      endsAt: endsAt.toISOString(),
      ...(notification.link ? { generatorURL: notification.link } : {}),
    },
  ];
}

export interface AlertmanagerProviderOptions extends AlertmanagerPayloadOptions {
  readonly name: string;
  /** Alertmanager's base URL (`http://alertmanager:9093`); `/api/v2/alerts` is appended. */
  readonly url: string;
  /** Sent as `Authorization: Bearer …` when set (e.g. behind an auth proxy). */
  readonly bearerToken?: string;
  readonly timeoutMs?: number;
}

export function alertmanagerProvider(options: AlertmanagerProviderOptions): Provider {
  const url = `${options.url.replace(/\/+$/, '')}/api/v2/alerts`;
  const headers: Record<string, string> = options.bearerToken ? { authorization: `Bearer ${options.bearerToken}` } : {};
  return jsonPostProvider('alertmanager', { ...options, url, headers }, (n) => buildAlertmanagerPayload(n, options));
}
