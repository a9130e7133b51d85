export {
  EventKind,
  MAX_LISTED_OBJECTS,
  Severity,
  eventSeverity,
  formatObject,
  type CertificateRestoredEvent,
  type CompromisedKeyInUseEvent,
  type DriftCorrectedEvent,
  type KeyRotatedEvent,
  type NotifyEvent,
  type ObjectRef,
  type OwnershipConflictEvent,
  type PrunedEvent,
  type SyncFailedEvent,
  type SyncStartedEvent,
  type SyncSucceededEvent,
  type UnsealFailedEvent,
} from './event.js';
export { eventFacts, eventSummary, eventTitle, type Fact } from './event-text.js';
export { buildLink, validateLinkPattern } from './link.js';
export type { Notification } from './notification.js';
export { ProviderType, type Provider } from './provider.js';
export { DeliveryError } from './delivery-error.js';
export { SIGNATURE_HEADER, signBody, verifySignature } from './hmac-signature.js';
export {
  buildWebhookPayload,
  webhookProvider,
  type WebhookPayload,
  type WebhookProviderOptions,
} from './webhook-provider.js';
export { buildSlackPayload, slackProvider, type SlackPayload, type SlackProviderOptions } from './slack-provider.js';
export {
  ADAPTIVE_CARD_CONTENT_TYPE,
  buildTeamsPayload,
  teamsProvider,
  type TeamsPayload,
  type TeamsProviderOptions,
} from './teams-provider.js';
export {
  alertmanagerProvider,
  buildAlertmanagerPayload,
  type AlertmanagerAlert,
  type AlertmanagerProviderOptions,
} from './alertmanager-provider.js';
export { Notifier, type NotifierOptions } from './notifier.js';
export type { NotifyMetrics, ProviderStats } from './notify-metrics.js';
export type { NotifyLogger } from './notify-logger.js';
export type { RateLimit } from './token-bucket.js';
