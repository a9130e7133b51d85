import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import {
  createInformer,
  isForbidden,
  Resources,
  safeErrorMessage,
  setCondition,
  stripManagedFields,
  type Condition,
  type Informer,
  type ResourceType,
} from '@gitseal/kube';
import type { NotificationAlert, NotificationProvider, NotificationStatus } from '@gitseal/manifests';
import type { NotifierOptions } from '@gitseal/notify';
import type { Logger } from 'pino';
import type { TenancyOptions } from './flags.js';
import { decideAccount } from './git-sync-identity.js';
import { NotificationHub, type FingerprintedProvider } from './notification-hub.js';
import type { NotificationKube } from './notification-kube.js';
import { buildProvider, providerKey } from './notification-provider-build.js';
import { alertProblem } from './notification-routes.js';
import { statusPatchChangesNothing } from './status-patch.js';

export interface NotificationResourcesOptions {
  readonly kubeConfig: KubeConfig;
  readonly kube: NotificationKube;
  /** Empty: all namespaces. */
  readonly namespaces: readonly string[];
  readonly controllerNamespace: string;
  readonly tenancy: TenancyOptions;
  readonly allowHttp: boolean;
  readonly notifier: Omit<NotifierOptions, 'providers'>;
  readonly served: () => Promise<boolean>;
  readonly mayWrite: () => boolean;
  readonly logger: Logger;
  /** Providers are built again (their Secrets read again) this often; default 60 s. */
  readonly refreshMs?: number;
}

/** Why a resource is (not) usable, as its Ready condition says. */
interface Readiness {
  readonly ready: boolean;
  readonly reason: string;
  readonly message: string;
}

const RECHECK_MS = 10_000;

/**
 * NotificationProviders and NotificationAlerts as the controller uses them: informers feed the hub (alerts to route
 * by, one Notifier per provider, built with credentials read as the provider's namespace allows) and each resource
 * gets a Ready condition saying whether it delivers, and if not, why.
 */
export class NotificationResources {
  readonly hub: NotificationHub;
  readonly #o: NotificationResourcesOptions;
  readonly #providers: Informer[] = [];
  readonly #alerts: Informer[] = [];
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(options: NotificationResourcesOptions) {
    this.#o = options;
    this.hub = new NotificationHub({
      controllerNamespace: options.controllerNamespace,
      build: (resource) => this.#build(resource),
      notifier: options.notifier,
    });
  }

  /** Starts once the CRDs are served (asking again every 10 s until they are); never throws. */
  async start(): Promise<void> {
    if (this.#stopped) return;
    if (!(await this.#o.served().catch(() => false))) {
      this.#schedule(RECHECK_MS, () => void this.start());
      return;
    }
    const namespaces = this.#o.namespaces.length > 0 ? this.#o.namespaces : [undefined];
    for (const namespace of namespaces) {
      this.#providers.push(this.#informer(Resources.NotificationProvider, namespace));
      this.#alerts.push(this.#informer(Resources.NotificationAlert, namespace));
    }
    await Promise.all([...this.#providers, ...this.#alerts].map((i) => i.waitForSync().catch(() => undefined)));
    this.refresh();
  }

  hasSynced(): boolean {
    return [...this.#providers, ...this.#alerts].every((i) => i.hasSynced());
  }

  /** Rebuilds from the caches now (coalesced with a refresh already running). */
  refresh(): void {
    if (this.#refreshing) {
      this.#again = true;
      return;
    }
    this.#refreshing = this.#refresh()
      .catch((error: unknown) => {
        this.#o.logger.warn({ error: safeErrorMessage(error, 'notifications') }, 'notifications not refreshed');
      })
      .finally(() => {
        this.#refreshing = undefined;
        if (this.#stopped) return;
        if (this.#again) {
          this.#again = false;
          this.refresh();
          return;
        }
        this.#schedule(this.#o.refreshMs ?? 60_000, () => this.refresh());
      });
  }

  /** Delivers what is queued (bounded), then closes every provider. */
  async stop(flushMs = 2_000): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await Promise.all([...this.#providers, ...this.#alerts].map((i) => i.stop()));
    await this.#refreshing;
    await this.hub.flush(flushMs);
    this.hub.close();
  }

  #informer(resource: ResourceType, namespace: string | undefined): Informer {
    const informer = createInformer({
      kubeConfig: this.#o.kubeConfig,
      resource,
      ...(namespace ? { namespace } : {}),
      transform: stripManagedFields,
      logger: this.#o.logger,
    });
    const changed = (previous: KubernetesObject | undefined, current: KubernetesObject): void => {
      // Our own status writes come back as updates: only a new generation (or labels) needs a refresh.
      if (previous && previous.metadata?.generation === current.metadata?.generation) return;
      this.refresh();
    };
    informer.onAdd((o) => changed(undefined, o));
    informer.onUpdate((p, o) => changed(p, o));
    informer.onDelete(() => this.refresh());
    informer.start();
    return informer;
  }

  #schedule(ms: number, run: () => void): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    this.#timer = setTimeout(run, ms);
    this.#timer.unref();
  }

  async #refresh(): Promise<void> {
    const providers = this.#providers.flatMap((i) => i.list()) as unknown as NotificationProvider[];
    const alerts = this.#alerts.flatMap((i) => i.list()) as unknown as NotificationAlert[];
    this.hub.setAlerts(alerts);
    await this.hub.setProviders(providers);
    if (!this.#o.mayWrite()) return;
    const byKey = new Map(providers.map((p) => [providerKey(p), p]));
    for (const provider of providers) {
      const problem = this.hub.problemOf(providerKey(provider));
      await this.#writeReady(
        Resources.NotificationProvider,
        provider,
        problem === undefined
          ? { ready: true, reason: 'Ready', message: `delivers to a ${provider.spec.type} receiver` }
          : { ready: false, reason: 'ProviderNotReady', message: problem },
      );
    }
    for (const alert of alerts) {
      await this.#writeReady(Resources.NotificationAlert, alert, this.#alertReadiness(alert, byKey));
    }
  }

  #alertReadiness(alert: NotificationAlert, providers: ReadonlyMap<string, NotificationProvider>): Readiness {
    const problem = alertProblem(alert, this.#o.controllerNamespace);
    if (problem !== undefined) return { ready: false, reason: 'InvalidAlert', message: problem };
    const key = `${alert.metadata.namespace ?? 'default'}/${alert.spec.providerRef.name}`;
    const provider = providers.get(key);
    if (!provider) {
      return {
        ready: false,
        reason: 'ProviderNotFound',
        message: `spec.providerRef: NotificationProvider ${key} not found (a provider of this namespace)`,
      };
    }
    const providerProblem = this.hub.problemOf(key);
    if (providerProblem !== undefined) {
      return { ready: false, reason: 'ProviderNotReady', message: `NotificationProvider ${key}: ${providerProblem}` };
    }
    return { ready: true, reason: 'Ready', message: `sends to NotificationProvider ${key}` };
  }

  async #writeReady(
    type: ResourceType,
    resource: NotificationProvider | NotificationAlert,
    readiness: Readiness,
  ): Promise<void> {
    const { namespace = 'default', name, generation } = resource.metadata;
    const current = resource.status as { conditions?: Condition[]; observedGeneration?: number } | undefined;
    const status = readiness.ready ? 'True' : 'False';
    const next: NotificationStatus = {
      ...(generation === undefined ? {} : { observedGeneration: generation }),
      conditions: setCondition(current?.conditions, {
        type: 'Ready',
        status,
        reason: readiness.reason,
        message: readiness.message,
        ...(generation === undefined ? {} : { observedGeneration: generation }),
      }) as NonNullable<NotificationStatus['conditions']>,
    };
    if (statusPatchChangesNothing(current, next)) return;
    try {
      await this.#o.kube.patchStatus(type, namespace, name, next);
    } catch (error) {
      this.#o.logger.warn(
        { object: `${type.kind} ${namespace}/${name}`, error: safeErrorMessage(error, 'status') },
        'status not written',
      );
    }
  }

  /** Builds a provider with its Secret read as its namespace's identity; a problem line when it cannot deliver. */
  async #build(resource: NotificationProvider): Promise<FingerprintedProvider> {
    const namespace = resource.metadata.namespace ?? 'default';
    const secretName = resource.spec.secretRef?.name;
    const options = { allowHttp: this.#o.allowHttp };
    if (!secretName) return { ...buildProvider(resource, {}, options), fingerprint: 'no-secret' };
    const decision = decideAccount(
      {
        namespace,
        serviceAccountName: resource.spec.serviceAccountName,
        what: 'NotificationProviders',
        purpose: `read Secret ${secretName}`,
      },
      this.#o.controllerNamespace,
      this.#o.tenancy,
    );
    if (!decision.ok) return { problem: decision.message, fingerprint: `refused:${decision.message}` };
    const what = `Secret ${namespace}/${secretName} (spec.secretRef)`;
    const who =
      decision.identity.kind === 'controller'
        ? 'the controller'
        : `ServiceAccount ${decision.identity.namespace}/${decision.identity.name}`;
    let secret;
    try {
      secret = await this.#o.kube.secret(decision.identity, namespace, secretName);
    } catch (error) {
      const problem = isForbidden(error)
        ? `${what}: ${who} may not read it`
        : `${what}: ${safeErrorMessage(error, 'read')}`;
      return { problem, fingerprint: `unreadable:${problem}` };
    }
    if (!secret) return { problem: `${what}: not found`, fingerprint: 'secret-not-found' };
    return { ...buildProvider(resource, secret.data, options), fingerprint: secret.fingerprint };
  }
}
