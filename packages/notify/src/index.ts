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
export { ProviderType, type OrderKey, type Provider } from './provider.js';
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
export {
  CommitState,
  commitOfRevision,
  commitStatusOf,
  MAX_DESCRIPTION,
  type CommitStatus,
  type StatusRequest,
  type StatusTarget,
} from './commit-status.js';
export { CommitStatusForge, commitStatusProblem, type CommitStatusProviderOptions } from './commit-status-options.js';
export { commitStatusProvider } from './commit-status-provider.js';
export { githubApiBase, githubStatusRequest } from './github-status.js';
export { gitlabApiBase, gitlabStatusRequest } from './gitlab-status.js';
export { giteaApiBase, giteaStatusRequest } from './gitea-status.js';
export { Notifier, type NotifierOptions } from './notifier.js';
export type { NotifyMetrics, ProviderStats } from './notify-metrics.js';
export type { NotifyLogger } from './notify-logger.js';
export type { RateLimit } from './token-bucket.js';
