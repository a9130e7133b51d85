import { eventSeverity, type Severity } from './event.js';
import { eventFacts, eventSummary, eventTitle } from './event-text.js';
import { jsonPostProvider } from './json-provider.js';
import type { Notification } from './notification.js';
import type { Provider } from './provider.js';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

const TITLE_COLORS: Record<Severity, string> = { info: 'Good', warning: 'Warning', error: 'Attention' };

export interface TeamsPayload {
  readonly type: 'message';
  readonly attachments: [
    {
      readonly contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE;
      readonly contentUrl: null;
      readonly content: Record<string, unknown>;
    },
  ];
}

/**
 * A Teams Workflows ("Post to a channel when a webhook request is received") message: the Bot Framework
 * `message` activity with one Adaptive Card attachment. Card version 1.4 is what Teams renders everywhere; the
 * retired Office 365 connectors' MessageCard format is not accepted by Workflows.
 */
export function buildTeamsPayload(notification: Notification): TeamsPayload {
  const { event } = notification;
  const repeated = notification.count > 1 ? ` (×${notification.count})` : '';
  const content: Record<string, unknown> = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      {
        type: 'TextBlock',
        text: `${eventTitle(event)}${repeated}`,
        weight: 'Bolder',
        size: 'Medium',
        color: TITLE_COLORS[eventSeverity(event)],
        wrap: true,
      },
      { type: 'TextBlock', text: eventSummary(event), wrap: true },
      { type: 'FactSet', facts: eventFacts(event).map((fact) => ({ title: fact.title, value: fact.value })) },
    ],
    ...(notification.link
      ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in gitseal', url: notification.link }] }
      : {}),
  };
  return {
    type: 'message',
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content }],
  };
}

export interface TeamsProviderOptions {
  readonly name: string;
  /** The workflow's HTTP trigger URL (its `sig` query parameter is the credential). */
  readonly url: string;
  readonly timeoutMs?: number;
}

export function teamsProvider(options: TeamsProviderOptions): Provider {
  return jsonPostProvider('teams', options, buildTeamsPayload);
}
