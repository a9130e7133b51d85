import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import {
  createInformer,
  namespacedName,
  Resources,
  type Informer,
  type ResourceType,
  type WorkQueue,
} from '@gitseal/kube';
import { ProducedSecret, type Secret } from '@gitseal/manifests';
import type { Logger } from 'pino';
import { leanSealedSecret, type ProducedSecretOf } from './lean-sealed-secret.js';
import { leanSecret } from './lean-secret.js';
import type { HmacKeyFor } from './plan-sealed-secret.js';
import type { CacheReader } from './sealed-secret-reconciler.js';

export interface SealedSecretWatchOptions {
  readonly kubeConfig: KubeConfig;
  readonly resource: ResourceType;
  /** Empty: all namespaces. */
  readonly namespaces: readonly string[];
  /** Produced Secrets are cached without their data, as the keyed HMAC over it (lean-secret.ts). */
  readonly hmacKeyFor: HmacKeyFor;
  readonly logger: Logger;
}

interface Obj {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    ownerReferences?: { apiVersion: string; kind: string; name: string; controller?: boolean }[];
  };
}

/** Reads by `namespace/name` across the per-namespace informers (or the one cluster-wide informer). */
function cacheOver<T>(informers: readonly Informer[], perNamespace: boolean): CacheReader<T> {
  return {
    get(key) {
      // Informers hold raw JSON objects; the manifests types describe exactly that.
      if (!perNamespace) return informers[0]?.get(key) as T | undefined;
      for (const informer of informers) {
        const hit = informer.get(key);
        if (hit) return hit as T;
      }
      return undefined;
    },
  };
}

/**
 * The informers behind one SealedSecret reconciler: its SealedSecrets, and the Secrets it produced (by label) so an
 * edited or deleted Secret is put back within seconds. Callbacks only enqueue `namespace/name`.
 */
export class SealedSecretWatch {
  readonly sealedSecrets: CacheReader<unknown>;
  readonly secrets: CacheReader<Secret>;
  readonly #ssInformers: Informer[] = [];
  readonly #secretInformers: Informer[] = [];
  readonly #resource: ResourceType;
  readonly #producedSecret: ProducedSecretOf = (namespace, name) => this.secrets.get(`${namespace}/${name}`);

  constructor(options: SealedSecretWatchOptions) {
    this.#resource = options.resource;
    const namespaces = options.namespaces.length > 0 ? options.namespaces : [undefined];
    for (const namespace of namespaces) {
      this.#ssInformers.push(
        createInformer({
          kubeConfig: options.kubeConfig,
          resource: options.resource,
          ...(namespace ? { namespace } : {}),
          // Cached without its ciphertexts once the Secret it produces is intact (read from the Secret cache).
          transform: (object) => leanSealedSecret(object, this.#producedSecret),
          logger: options.logger,
        }),
      );
      this.#secretInformers.push(
        createInformer({
          kubeConfig: options.kubeConfig,
          resource: Resources.Secret,
          ...(namespace ? { namespace } : {}),
          labelSelector: `${ProducedSecret.Label}=${ProducedSecret.LabelValue}`,
          // The informer holds raw JSON objects; the manifests types describe exactly that.
          transform: (object) =>
            leanSecret(object as unknown as Secret, options.hmacKeyFor) as unknown as typeof object,
          logger: options.logger,
        }),
      );
    }
    const perNamespace = options.namespaces.length > 0;
    this.sealedSecrets = cacheOver(this.#ssInformers, perNamespace);
    this.secrets = cacheOver<Secret>(this.#secretInformers, perNamespace);
  }

  /**
   * Wires the informers to the queue and starts them: produced Secrets first, so that the first reconciles find
   * them in the cache instead of reading each one from the API server.
   */
  async start(queue: WorkQueue): Promise<void> {
    for (const informer of this.#secretInformers) {
      const enqueueOwner = (secret: KubernetesObject | Obj): void => {
        const owner = secret.metadata?.ownerReferences?.find(
          (r) => r.controller === true && r.kind === this.#resource.kind && r.apiVersion === this.#resource.apiVersion,
        );
        if (owner) void queue.enqueue(`${secret.metadata?.namespace ?? ''}/${owner.name}`);
      };
      // A Secret written after its SealedSecret's last event: the cached SealedSecret may now drop its ciphertexts.
      const settleOwner = (secret: KubernetesObject | Obj): void => {
        const name = secret.metadata?.name;
        if (name === undefined) return;
        const key = `${secret.metadata?.namespace ?? ''}/${name}`;
        for (const ss of this.#ssInformers) ss.reshape(key, (cached) => leanSealedSecret(cached, this.#producedSecret));
      };
      informer.onAdd((secret) => {
        settleOwner(secret);
        enqueueOwner(secret);
      });
      informer.onUpdate((_previous, current) => {
        settleOwner(current);
        enqueueOwner(current);
      });
      informer.onDelete(enqueueOwner);
      informer.start();
    }
    await Promise.all(this.#secretInformers.map((i) => i.waitForSync()));
    for (const informer of this.#ssInformers) {
      const enqueue = (object: KubernetesObject): void => void queue.enqueue(namespacedName(object));
      informer.onAdd(enqueue);
      informer.onUpdate((_previous, current) => enqueue(current));
      informer.onDelete(enqueue);
      informer.start();
    }
  }

  hasSynced(): boolean {
    return [...this.#ssInformers, ...this.#secretInformers].every((i) => i.hasSynced());
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.#ssInformers, ...this.#secretInformers].map((i) => i.waitForSync()));
  }

  /** Every SealedSecret key in the caches. */
  keys(): string[] {
    return this.#ssInformers.flatMap((i) => i.keys());
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#ssInformers, ...this.#secretInformers].map((i) => i.stop()));
  }
}
