import type { NotificationAlert, NotificationProvider } from '@gitseal/manifests';
import { Notifier, type NotifierOptions, type NotifyEvent, type Provider } from '@gitseal/notify';
import { providerKey, type BuiltProvider } from './notification-provider-build.js';
import { alertsFor, type InvolvedObject } from './notification-routes.js';
import type { NotificationSeverity } from '@gitseal/manifests';

interface Channel {
  readonly generation: string;
  readonly notifier?: Notifier;
  readonly problem?: string;
}

export interface NotificationHubOptions {
  readonly controllerNamespace: string;
  /** Builds a provider for a resource (its credentials already read as the namespace's identity). */
  readonly build: (resource: NotificationProvider) => Promise<BuiltProvider>;
  /** Shared by every provider's Notifier (link pattern, dedup window, queue, rate limit, metrics, logger). */
  readonly notifier?: Omit<NotifierOptions, 'providers'>;
}

/**
 * Routes gitseal's events to the NotificationAlerts that listen to them and on to their providers: one Notifier per
 * NotificationProvider (its own queue, dedup, rate limit), rebuilt when the resource changes. An alert only reaches a
 * provider of its own namespace.
 */
export class NotificationHub {
  readonly #o: NotificationHubOptions;
  readonly #channels = new Map<string, Channel>();
  #alerts: readonly NotificationAlert[] = [];

  constructor(options: NotificationHubOptions) {
    this.#o = options;
  }

  /** The providers as the API server has them now: new or changed ones are (re)built, gone ones closed. */
  async setProviders(resources: readonly NotificationProvider[]): Promise<void> {
    const seen = new Set<string>();
    for (const resource of resources) {
      const key = providerKey(resource);
      seen.add(key);
      const generation = `${resource.metadata.uid ?? ''}/${resource.metadata.generation ?? 0}/${resource.metadata.resourceVersion ?? ''}`;
      if (this.#channels.get(key)?.generation === generation) continue;
      this.#channels.get(key)?.notifier?.close();
      this.#channels.set(key, await this.#channelFor(resource, generation));
    }
    for (const [key, channel] of this.#channels) {
      if (seen.has(key)) continue;
      channel.notifier?.close();
      this.#channels.delete(key);
    }
  }

  setAlerts(alerts: readonly NotificationAlert[]): void {
    this.#alerts = alerts;
  }

  /** Why a provider cannot deliver, for its Ready condition; undefined when it can (or is unknown). */
  problemOf(key: string): string | undefined {
    return this.#channels.get(key)?.problem;
  }

  /** Sends `event` about `involved` to every provider an alert routes it to, once per provider. Never throws. */
  emit(event: NotifyEvent, involved: InvolvedObject, severity: NotificationSeverity): void {
    const routed = { kind: event.kind, severity, involved };
    const providers = new Set<string>();
    for (const alert of alertsFor(routed, this.#alerts, this.#o.controllerNamespace)) {
      providers.add(`${alert.metadata.namespace ?? 'default'}/${alert.spec.providerRef.name}`);
    }
    for (const key of providers) this.#channels.get(key)?.notifier?.notify(event);
  }

  close(): void {
    for (const channel of this.#channels.values()) channel.notifier?.close();
    this.#channels.clear();
  }

  async #channelFor(resource: NotificationProvider, generation: string): Promise<Channel> {
    if (resource.spec.suspend === true) return { generation, problem: 'suspended' };
    let built: BuiltProvider;
    try {
      built = await this.#o.build(resource);
    } catch {
      return { generation, problem: 'its Secret could not be read' };
    }
    if ('problem' in built) return { generation, problem: built.problem };
    const providers: Provider[] = [built.provider];
    return { generation, notifier: new Notifier({ ...this.#o.notifier, providers }) };
  }
}
