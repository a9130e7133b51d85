import { eventSeverity, type Severity } from './event.js';
import { eventFacts, eventSummary, eventTitle } from './event-text.js';
import { jsonPostProvider } from './json-provider.js';
import type { Notification } from './notification.js';
import type { Provider } from './provider.js';

const COLORS: Record<Severity, string> = { info: '#2eb886', warning: '#daa038', error: '#a30200' };

export interface SlackAttachment {
  readonly fallback: string;
  readonly color: string;
  readonly title: string;
  readonly title_link?: string;
  readonly text: string;
  readonly fields: { title: string; value: string; short: boolean }[];
  readonly footer: string;
  readonly ts: number;
}

export interface SlackPayload {
  readonly text: string;
  readonly attachments: [SlackAttachment];
}

/**
 * `{text, attachments}`: the legacy attachment fields (fallback, color as hex, title, title_link, text, fields,
 * footer, ts) are the set both Slack and Mattermost incoming webhooks render (Mattermost's "message attachments"
 * reference lists exactly these for Slack compatibility); Block Kit `blocks` is Slack-only, so it is not used.
 */
export function buildSlackPayload(notification: Notification): SlackPayload {
  const { event } = notification;
  const repeated = notification.count > 1 ? ` (×${notification.count})` : '';
  const title = `${eventTitle(event)}${repeated}`;
  return {
    text: `[${eventSeverity(event)}] ${title}`,
    attachments: [
      {
        fallback: `${title}: ${eventSummary(event)}`,
        color: COLORS[eventSeverity(event)],
        title,
        ...(notification.link ? { title_link: notification.link } : {}),
        text: eventSummary(event),
        fields: eventFacts(event).map((fact) => ({
          title: fact.title,
          value: fact.value,
          short: fact.value.length < 40,
        })),
        footer: 'gitseal',
        ts: Math.floor(notification.lastSeen.getTime() / 1000),
      },
    ],
  };
}

export interface SlackProviderOptions {
  readonly name: string;
  /** The incoming webhook URL (its path is the credential). */
  readonly url: string;
  readonly timeoutMs?: number;
}

export function slackProvider(options: SlackProviderOptions): Provider {
  return jsonPostProvider('slack', options, buildSlackPayload);
}
