import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { createInformer, Resources, type Informer } from '@gitseal/kube';
import type { Logger } from 'pino';

export interface GitSyncPresenceOptions {
  readonly kubeConfig: KubeConfig;
  /** Empty: all namespaces. */
  readonly namespaces: readonly string[];
  /** Whether the API server serves GitSyncs; while it does not, asked again every `recheckMs` (default 10 s). */
  readonly served: () => Promise<boolean>;
  readonly recheckMs?: number;
  /** Called once, when the first GitSync is seen (also one that existed before the start). */
  readonly onFirst: () => void;
  readonly logger: Logger;
}

/** What the presence cache keeps of a GitSync: enough to key it and to relist, nothing of its spec or status. */
export function nameOnly(object: KubernetesObject): KubernetesObject {
  const { name, namespace, uid, resourceVersion } = object.metadata ?? {};
  return {
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    metadata: {
      ...(name === undefined ? {} : { name }),
      ...(namespace === undefined ? {} : { namespace }),
      ...(uid === undefined ? {} : { uid }),
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
    },
  };
}

/**
 * Whether any GitSync exists, without the sync engine loaded: informers on GitSyncs (one per watched namespace, or
 * one cluster-wide) that keep only names, started once the CRD is served. `onFirst` runs once, at the first GitSync
 * seen; the informers stop then (the engine's own informers take over).
 */
export class GitSyncPresence {
  readonly #o: GitSyncPresenceOptions;
  #informers: Informer[] = [];
  #recheck: NodeJS.Timeout | undefined;
  #synced = false;
  #seen = false;
  #stopped = false;

  constructor(options: GitSyncPresenceOptions) {
    this.#o = options;
  }

  /** Resolves once the informers have listed, or once the CRD was found not served (asked again later). */
  async start(): Promise<void> {
    if (await this.#o.served().catch(() => false)) return this.#startInformers();
    this.#o.logger.info({}, 'GitSync CRD not installed: the sync engine is loaded once it is and a GitSync exists');
    this.#synced = true;
    this.#scheduleRecheck();
  }

  /** True once the first list is done (or the CRD is not served): nothing is served from this cache. */
  hasSynced(): boolean {
    return this.#synced;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#recheck);
    const informers = this.#informers;
    this.#informers = [];
    await Promise.all(informers.map((i) => i.stop()));
  }

  #scheduleRecheck(): void {
    if (this.#stopped) return;
    this.#recheck = setTimeout(() => {
      void (async () => {
        if (this.#stopped) return;
        if (!(await this.#o.served().catch(() => false))) return this.#scheduleRecheck();
        await this.#startInformers().catch(() => undefined);
      })();
    }, this.#o.recheckMs ?? 10_000);
    this.#recheck.unref();
  }

  async #startInformers(): Promise<void> {
    if (this.#stopped) return;
    const namespaces = this.#o.namespaces.length > 0 ? this.#o.namespaces : [undefined];
    this.#informers = namespaces.map((namespace) =>
      createInformer({
        kubeConfig: this.#o.kubeConfig,
        resource: Resources.GitSync,
        ...(namespace ? { namespace } : {}),
        transform: nameOnly,
        logger: this.#o.logger,
      }),
    );
    for (const informer of this.#informers) {
      informer.onAdd(() => this.#first());
      informer.start();
    }
    // The first GitSync stops the informers, maybe before they report synced: that is no failure.
    const synced = (i: Informer) =>
      i.waitForSync().catch((error: unknown) => {
        if (!this.#stopped) throw error;
      });
    await Promise.all(this.#informers.map(synced));
    this.#synced = true;
  }

  #first(): void {
    if (this.#seen || this.#stopped) return;
    this.#seen = true;
    this.#o.onFirst();
    void this.stop();
  }
}
