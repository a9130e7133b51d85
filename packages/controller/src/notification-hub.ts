import type { NotificationAlert, NotificationProvider } from '@gitseal/manifests';
import { eventSeverity, Notifier, type NotifierOptions, type NotifyEvent, type ProviderStats } from '@gitseal/notify';
import { isCommitStatusType, providerKey, type BuiltProvider } from './notification-provider-build.js';
import { alertsFor, type InvolvedObject } from './notification-routes.js';
import type { NotificationSink } from './notification-sink.js';

const SYNC_EVENTS: ReadonlySet<string> = new Set(['SyncStarted', 'SyncSucceeded', 'SyncFailed']);

interface Channel {
  /** What the channel was built from (the resource's generation and its credentials): unchanged, it is kept. */
  readonly fingerprint: string;
  /** Sets Git commit statuses: hears SyncStarted (pending), and only the sync events. */
  readonly commitStatus?: boolean;
  readonly notifier?: Notifier;
  readonly problem?: string;
}

/** A provider the hub could build (its credentials already read as the namespace's identity), with its fingerprint. */
export type FingerprintedProvider = BuiltProvider & { readonly fingerprint: string };

export interface NotificationHubOptions {
  readonly controllerNamespace: string;
  readonly build: (resource: NotificationProvider) => Promise<FingerprintedProvider>;
  /** Shared by every provider's Notifier (link pattern, dedup window, queue, rate limit, metrics, logger). */
  readonly notifier?: Omit<NotifierOptions, 'providers'>;
}

/**
 * Routes gitseal's events to the NotificationAlerts that listen to them and on to their providers: one Notifier per
 * NotificationProvider (its own queue, dedup, rate limit), rebuilt when the resource or its Secret changes. An alert
 * only reaches a provider of its own namespace.
 */
export class NotificationHub implements NotificationSink {
  readonly #o: NotificationHubOptions;
  readonly #channels = new Map<string, Channel>();
  #alerts: readonly NotificationAlert[] = [];

  constructor(options: NotificationHubOptions) {
    this.#o = options;
  }

  /** The providers as the API server has them now: each is built again, and its Notifier kept unless it changed. */
  async setProviders(resources: readonly NotificationProvider[]): Promise<void> {
    const seen = new Set<string>();
    for (const resource of resources) {
      const key = providerKey(resource);
      seen.add(key);
      const channel = await this.#channelFor(resource);
      const previous = this.#channels.get(key);
      if (previous?.fingerprint === channel.fingerprint) {
        channel.notifier?.close();
        continue;
      }
      previous?.notifier?.close();
      this.#channels.set(key, channel);
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

  /** Delivery counters of a provider (undefined when it has no Notifier). */
  statsOf(key: string): ProviderStats | undefined {
    return this.#channels.get(key)?.notifier?.stats()[key];
  }

  /** Sends `event` about `involved` to every provider an alert routes it to, once per provider. Never throws. */
  emit(event: NotifyEvent, involved: InvolvedObject): void {
    // SyncStarted is the pending state of a commit status: routed like the success that should follow it, and only
    // to commit-status providers; they in turn hear nothing but the sync events.
    const started = event.kind === 'SyncStarted';
    const routed = { kind: started ? 'SyncSucceeded' : event.kind, severity: eventSeverity(event), involved } as const;
    const providers = new Set<string>();
    for (const alert of alertsFor(routed, this.#alerts, this.#o.controllerNamespace)) {
      providers.add(`${alert.metadata.namespace ?? 'default'}/${alert.spec.providerRef.name}`);
    }
    for (const key of providers) {
      const channel = this.#channels.get(key);
      if (channel?.commitStatus === true ? SYNC_EVENTS.has(event.kind) : !started) channel?.notifier?.notify(event);
    }
  }

  /** Delivers what is queued (up to `timeoutMs`), for a graceful stop. */
  async flush(timeoutMs: number): Promise<void> {
    await Promise.all([...this.#channels.values()].map((c) => c.notifier?.flush(timeoutMs)));
  }

  close(): void {
    for (const channel of this.#channels.values()) channel.notifier?.close();
    this.#channels.clear();
  }

  async #channelFor(resource: NotificationProvider): Promise<Channel> {
    const generation = `${resource.metadata.uid ?? ''}/${resource.metadata.generation ?? 0}`;
    if (resource.spec.suspend === true) return { fingerprint: `${generation}/suspended`, problem: 'suspended' };
    let built: FingerprintedProvider;
    try {
      built = await this.#o.build(resource);
    } catch {
      return { fingerprint: `${generation}/unbuildable`, problem: 'its provider could not be built' };
    }
    const fingerprint = `${generation}/${built.fingerprint}`;
    if ('problem' in built) return { fingerprint, problem: built.problem };
    return {
      fingerprint,
      commitStatus: isCommitStatusType(resource.spec.type),
      notifier: new Notifier({ ...this.#o.notifier, providers: [built.provider] }),
    };
  }
}
