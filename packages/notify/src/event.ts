import { NotificationEventKind, NotificationSeverity } from '@gitseal/manifests';

/** What gitseal notifies about: the kinds NotificationAlerts select on (one list, in @gitseal/manifests). */
export const EventKind = NotificationEventKind;
export type EventKind = NotificationEventKind;

export const Severity = NotificationSeverity;
export type Severity = NotificationSeverity;

/** A Kubernetes object by name only: never its content. `namespace` is absent for cluster-scoped objects. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

interface EventBase {
  /** The gitseal object the event is about (a GitSync, a SealedSecret, the controller's key Secret). */
  readonly object: ObjectRef;
  /** The Git revision involved, when there is one. */
  readonly revision?: string;
  /** Overrides the kind's default severity. */
  readonly severity?: Severity;
  /** When it happened; default: when `notify()` was called. */
  readonly at?: Date;
}

/** A GitSync started syncing a revision it has not applied yet (commit statuses show it as pending). */
export interface SyncStartedEvent extends EventBase {
  readonly kind: 'SyncStarted';
  readonly revision: string;
}
export interface SyncSucceededEvent extends EventBase {
  readonly kind: 'SyncSucceeded';
  readonly changed: number;
  readonly unchanged: number;
  readonly pruned: number;
}
export interface SyncFailedEvent extends EventBase {
  readonly kind: 'SyncFailed';
  /** A PascalCase reason (`ApplyFailed`) and a one-line safe message: the caller's sanitized error, never a body. */
  readonly reason: string;
  readonly message?: string;
  /** The first objects that failed (only the first MAX_LISTED_OBJECTS are kept). */
  readonly objects?: readonly ObjectRef[];
}
export interface DriftCorrectedEvent extends EventBase {
  readonly kind: 'DriftCorrected';
  /** The object that drifted. */
  readonly target: ObjectRef;
  /** Field paths that were put back (`spec.replicas`): paths only, never values. */
  readonly fields: readonly string[];
}
export interface PrunedEvent extends EventBase {
  readonly kind: 'Pruned';
  readonly objects: readonly ObjectRef[];
}
export interface UnsealFailedEvent extends EventBase {
  readonly kind: 'UnsealFailed';
  readonly reason: string;
  readonly message?: string;
}
export interface KeyRotatedEvent extends EventBase {
  readonly kind: 'KeyRotated';
  /** The new key's public id (fingerprint): public data. */
  readonly keyId: string;
}
export interface CompromisedKeyInUseEvent extends EventBase {
  readonly kind: 'CompromisedKeyInUse';
  readonly keyId: string;
}
export interface OwnershipConflictEvent extends EventBase {
  readonly kind: 'OwnershipConflict';
  readonly target: ObjectRef;
  /** The field manager or owner that holds the object. */
  readonly owner?: string;
}
export interface CertificateRestoredEvent extends EventBase {
  readonly kind: 'CertificateRestored';
  readonly keyId?: string;
}

export type NotifyEvent =
  | SyncStartedEvent
  | SyncSucceededEvent
  | SyncFailedEvent
  | DriftCorrectedEvent
  | PrunedEvent
  | UnsealFailedEvent
  | KeyRotatedEvent
  | CompromisedKeyInUseEvent
  | OwnershipConflictEvent
  | CertificateRestoredEvent;

export const MAX_LISTED_OBJECTS = 5;

const DEFAULT_SEVERITY: Record<EventKind, Severity> = {
  SyncStarted: 'info',
  SyncSucceeded: 'info',
  SyncFailed: 'error',
  DriftCorrected: 'warning',
  Pruned: 'info',
  UnsealFailed: 'error',
  KeyRotated: 'info',
  CompromisedKeyInUse: 'error',
  OwnershipConflict: 'warning',
  CertificateRestored: 'warning',
};

export function eventSeverity(event: NotifyEvent): Severity {
  return event.severity ?? DEFAULT_SEVERITY[event.kind];
}

/** `Kind ns/name` or `Kind name`. */
export function formatObject(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}
