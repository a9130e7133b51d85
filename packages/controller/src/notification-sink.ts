import type { NotifyEvent } from '@gitseal/notify';
import type { InvolvedObject } from './notification-routes.js';

/**
 * Where reconcilers hand what happened: the NotificationHub routes it to the alerts that listen. `emit` never
 * throws and never waits on a receiver.
 */
export interface NotificationSink {
  emit(event: NotifyEvent, involved: InvolvedObject): void;
}

/** The sink while notifications are off (or in tests of a reconciler alone). */
export const NO_NOTIFICATIONS: NotificationSink = { emit: () => undefined };

/** What the controller's own events (keys, the published certificate) are about, for routing. */
export function controllerInvolved(controllerNamespace: string): InvolvedObject {
  return { kind: 'Controller', namespace: controllerNamespace, name: 'gitseal-controller' };
}
