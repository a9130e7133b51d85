import type {
  NotificationAlert,
  NotificationEventKind,
  NotificationEventSource,
  NotificationSeverity,
} from '@gitseal/manifests';

/** The object a notification is about, as the routes see it. */
export interface InvolvedObject {
  readonly kind: 'GitSync' | 'SealedSecret' | 'Controller';
  readonly namespace: string;
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** What routing needs of an event: its kind, severity and object. */
export interface RoutedEvent {
  readonly kind: NotificationEventKind;
  readonly severity: NotificationSeverity;
  readonly involved: InvolvedObject;
}

const RANK: Readonly<Record<NotificationSeverity, number>> = { info: 0, warning: 1, error: 2 };

/**
 * Why an alert cannot be used as written, or undefined. An alert listens to its own namespace; only one in the
 * controller's namespace (the platform team's) may name another, so a tenant never hears of another tenant's objects.
 */
export function alertProblem(alert: NotificationAlert, controllerNamespace: string): string | undefined {
  const namespace = alert.metadata.namespace ?? 'default';
  for (const [index, source] of alert.spec.eventSources.entries()) {
    if (source.kind === 'Controller' && namespace !== controllerNamespace) {
      return `spec.eventSources[${index}]: kind Controller: only alerts in ${controllerNamespace} may listen to the controller`;
    }
    if (source.namespace !== undefined && source.namespace !== namespace && namespace !== controllerNamespace) {
      return `spec.eventSources[${index}].namespace: ${source.namespace}: only alerts in ${controllerNamespace} may listen to another namespace`;
    }
  }
  return undefined;
}

function sourceMatches(source: NotificationEventSource, alertNamespace: string, involved: InvolvedObject): boolean {
  if (source.kind !== involved.kind) return false;
  const namespace = source.namespace ?? alertNamespace;
  if (namespace !== '*' && namespace !== involved.namespace) return false;
  if (source.name !== undefined && source.name !== '*' && source.name !== involved.name) return false;
  const labels = involved.labels ?? {};
  return Object.entries(source.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}

/**
 * The alerts an event goes to: not suspended, usable (see alertProblem), listening to its object, its kind among
 * their events, and at least as severe as their threshold.
 */
export function alertsFor(
  event: RoutedEvent,
  alerts: readonly NotificationAlert[],
  controllerNamespace: string,
): NotificationAlert[] {
  return alerts.filter((alert) => {
    const { spec } = alert;
    if (spec.suspend === true || alertProblem(alert, controllerNamespace) !== undefined) return false;
    if (spec.events && spec.events.length > 0 && !spec.events.includes(event.kind)) return false;
    if (RANK[event.severity] < RANK[spec.severity ?? 'info']) return false;
    const namespace = alert.metadata.namespace ?? 'default';
    return spec.eventSources.some((source) => sourceMatches(source, namespace, event.involved));
  });
}
