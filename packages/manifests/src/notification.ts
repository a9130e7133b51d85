import type { LocalObjectReference } from './git-sync.js';
import type { ObservedCondition, ObjectMeta } from './object-meta.js';

/** Where notifications go. The kinds of receiver gitseal speaks to. */
export const NotificationProviderType = {
  /** JSON POST, signed `X-Gitseal-Signature-256: sha256=<HMAC-SHA256 of the body>` with the Secret's `hmacKey`. */
  Webhook: 'webhook',
  /** Slack- or Mattermost-compatible incoming webhook. */
  Slack: 'slack',
  /** Microsoft Teams workflow webhook (an Adaptive Card message). */
  Teams: 'teams',
  /** Alertmanager `/api/v2/alerts`. */
  Alertmanager: 'alertmanager',
  /** Git commit statuses on the revision a GitSync applied. */
  GitHub: 'github',
  GitLab: 'gitlab',
  Gitea: 'gitea',
} as const;
export type NotificationProviderType = (typeof NotificationProviderType)[keyof typeof NotificationProviderType];

/**
 * A receiver, in the namespace of the alerts that use it. Its credentials come from a Secret of that namespace, read
 * as the namespace's own identity: no alert can use another namespace's credentials.
 */
export interface NotificationProviderSpec {
  type: NotificationProviderType;
  /** The receiver's URL; may instead be the Secret's `address` key (when the URL itself holds a token). */
  address?: string;
  /** Keys: `address`, `token` (bearer / API token), `hmacKey` (webhook signing), `username`/`password`, `ca.crt`. */
  secretRef?: LocalObjectReference;
  /** For commit statuses: the repository (`owner/name`, GitLab: the project path). */
  repository?: string;
  /**
   * The ServiceAccount of this namespace impersonated to read secretRef; outside the controller's namespace it
   * defaults to the controller's `--default-service-account`.
   */
  serviceAccountName?: string;
  suspend?: boolean;
}

/** `Ready`: whether a NotificationProvider can deliver, or a NotificationAlert can route (and if not, why). */
export interface NotificationStatus {
  observedGeneration?: number;
  conditions?: ObservedCondition[];
}

export interface NotificationProvider {
  apiVersion: 'gitseal.dev/v1alpha1';
  kind: 'NotificationProvider';
  metadata: ObjectMeta & { name: string };
  spec: NotificationProviderSpec;
  status?: NotificationStatus;
}

/** What happened, as a notification names it. */
export const NotificationEventKind = {
  /** A GitSync started a revision it has not applied yet: meant for commit-status providers (pending). */
  SyncStarted: 'SyncStarted',
  SyncSucceeded: 'SyncSucceeded',
  SyncFailed: 'SyncFailed',
  DriftCorrected: 'DriftCorrected',
  Pruned: 'Pruned',
  UnsealFailed: 'UnsealFailed',
  KeyRotated: 'KeyRotated',
  CompromisedKeyInUse: 'CompromisedKeyInUse',
  OwnershipConflict: 'OwnershipConflict',
  CertificateRestored: 'CertificateRestored',
} as const;
export type NotificationEventKind = (typeof NotificationEventKind)[keyof typeof NotificationEventKind];

export const NotificationSeverity = { Info: 'info', Warning: 'warning', Error: 'error' } as const;
export type NotificationSeverity = (typeof NotificationSeverity)[keyof typeof NotificationSeverity];

/** Which objects an alert listens to, in its own namespace. */
export interface NotificationEventSource {
  /** `Controller`: key rotation and the published certificate restored; only for alerts in the controller's namespace. */
  kind: 'GitSync' | 'SealedSecret' | 'Controller';
  /**
   * Another namespace to listen to: only for alerts in the controller's namespace (the platform team's); an alert
   * elsewhere that sets it is refused. Absent: the alert's own namespace.
   */
  namespace?: string;
  /** `*` or absent: every object of the kind. */
  name?: string;
  matchLabels?: Record<string, string>;
}

/** What to notify: events of these sources, of these kinds, at least this severe, sent to one provider. */
export interface NotificationAlertSpec {
  providerRef: LocalObjectReference;
  eventSources: NotificationEventSource[];
  /** Default: every kind. */
  events?: NotificationEventKind[];
  /** The least severe event sent; default `info`. */
  severity?: NotificationSeverity;
  /** A line added to every notification of this alert (e.g. the cluster's name). */
  summary?: string;
  suspend?: boolean;
}

export interface NotificationAlert {
  apiVersion: 'gitseal.dev/v1alpha1';
  kind: 'NotificationAlert';
  metadata: ObjectMeta & { name: string };
  spec: NotificationAlertSpec;
  status?: NotificationStatus;
}
