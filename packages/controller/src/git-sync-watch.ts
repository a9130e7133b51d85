import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { createInformer, objectKey, Resources, type Informer, type ResourceType, type WorkQueue } from '@gitseal/kube';
import type { GitSync } from '@gitseal/manifests';
import {
  APPLIED_DIGEST_ANNOTATION,
  groupOf,
  inventoryId,
  isUnchanged,
  SYNC_LABEL,
  type AppliedRecord,
} from '@gitseal/sync';
import type { Logger } from 'pino';
import type { CacheReader } from './sealed-secret-reconciler.js';

/** Any change of this annotation's value syncs the GitSync at once. */
export const REQUESTED_AT_ANNOTATION = 'gitseal.dev/requested-at';

export interface GitSyncWatchOptions {
  readonly kubeConfig: KubeConfig;
  /** Empty: all namespaces. */
  readonly namespaces: readonly string[];
  readonly logger: Logger;
  /** Whether the API server serves GitSyncs; when not, the watch stays idle (and counts as synced). */
  readonly served?: () => Promise<boolean>;
}

/** What the drift watch knows about one GitSync's applied objects. */
export interface TrackedSync {
  readonly key: string;
  readonly label: string;
  readonly selfHeal: boolean;
  readonly records: ReadonlyMap<string, AppliedRecord>;
}

type Meta = { metadata?: { generation?: number; annotations?: Record<string, string>; deletionTimestamp?: unknown } };

/** Only changes that ask for a sync: a new generation, a new manual trigger, deletion. Not our status writes. */
export function wantsSync(previous: Meta, current: Meta): boolean {
  return (
    previous.metadata?.generation !== current.metadata?.generation ||
    previous.metadata?.annotations?.[REQUESTED_AT_ANNOTATION] !==
      current.metadata?.annotations?.[REQUESTED_AT_ANNOTATION] ||
    (current.metadata?.deletionTimestamp !== undefined && previous.metadata?.deletionTimestamp === undefined)
  );
}

/** True when a live object is as gitseal last applied it (or, unknown to this process, carries a digest). */
function isOwnState(tracked: TrackedSync, type: ResourceType, object: KubernetesObject): boolean {
  const namespace = object.metadata?.namespace;
  const id = inventoryId({
    apiVersion: type.apiVersion,
    kind: type.kind,
    name: object.metadata?.name ?? '',
    ...(namespace ? { namespace } : {}),
  });
  const live = { ...object, apiVersion: type.apiVersion, kind: type.kind } as Parameters<typeof isUnchanged>[1];
  const record = tracked.records.get(id);
  if (!record) return live?.metadata?.annotations?.[APPLIED_DIGEST_ANNOTATION] !== undefined;
  const expected = {
    apiVersion: type.apiVersion,
    kind: type.kind,
    metadata: { labels: { [SYNC_LABEL]: tracked.label }, annotations: { [APPLIED_DIGEST_ANNOTATION]: record.digest } },
  };
  return isUnchanged(expected, live, record);
}

/**
 * The informers of the GitSync reconciler: GitSyncs (per watched namespace, or one cluster-wide), and one
 * drift informer per kind GitSyncs applied, selecting the sync label. With selfHeal, a change or deletion of an
 * applied object that gitseal did not make enqueues its GitSync at once.
 */
export class GitSyncWatch {
  readonly gitSyncs: CacheReader<GitSync>;
  readonly #o: GitSyncWatchOptions;
  readonly #informers: Informer[] = [];
  readonly #drift = new Map<string, Informer>();
  readonly #byLabel = new Map<string, TrackedSync>();
  #queue: WorkQueue | undefined;
  #stopped = false;
  #idle = false;

  constructor(options: GitSyncWatchOptions) {
    this.#o = options;
    const namespaces = options.namespaces.length > 0 ? options.namespaces : [undefined];
    for (const namespace of namespaces) {
      this.#informers.push(
        createInformer({
          kubeConfig: options.kubeConfig,
          resource: Resources.GitSync,
          ...(namespace ? { namespace } : {}),
          logger: options.logger,
        }),
      );
    }
    this.gitSyncs = {
      get: (key) => {
        for (const informer of this.#informers) {
          const hit = informer.get(key);
          if (hit) return hit as unknown as GitSync;
        }
        return undefined;
      },
    };
  }

  async start(queue: WorkQueue): Promise<void> {
    this.#queue = queue;
    if (this.#o.served && !(await this.#o.served())) {
      this.#idle = true;
      this.#o.logger.warn({}, 'GitSync CRD not installed: the sync engine stays idle until a restart');
      return;
    }
    for (const informer of this.#informers) {
      const enqueue = (object: KubernetesObject): void => void queue.enqueue(objectKey(object));
      informer.onAdd(enqueue);
      informer.onUpdate((previous, current) => {
        if (wantsSync(previous as Meta, current as Meta)) enqueue(current);
      });
      informer.onDelete(enqueue);
      informer.start();
    }
    await Promise.all(this.#informers.map((i) => i.waitForSync()));
  }

  /** Every GitSync key in the caches. */
  keys(): string[] {
    return this.#informers.flatMap((i) => i.keys());
  }

  hasSynced(): boolean {
    return this.#idle || this.#informers.every((i) => i.hasSynced());
  }

  /** Registers (or updates) a GitSync's applied objects and makes sure their kinds are watched. */
  track(sync: TrackedSync, kinds: readonly ResourceType[]): void {
    for (const [label, tracked] of this.#byLabel)
      if (tracked.key === sync.key && label !== sync.label) this.#byLabel.delete(label);
    this.#byLabel.set(sync.label, sync);
    for (const kind of kinds) this.#watchKind(kind);
  }

  untrack(key: string): void {
    for (const [label, tracked] of this.#byLabel) if (tracked.key === key) this.#byLabel.delete(label);
  }

  #watchKind(type: ResourceType): void {
    const gk = `${groupOf(type.apiVersion)}/${type.kind}`;
    if (this.#stopped || this.#drift.has(gk)) return;
    const informer = createInformer({
      kubeConfig: this.#o.kubeConfig,
      resource: type,
      labelSelector: SYNC_LABEL,
      logger: this.#o.logger,
    });
    const seen = (object: KubernetesObject, deleted: boolean): void => {
      const label = object.metadata?.labels?.[SYNC_LABEL];
      const tracked = label === undefined ? undefined : this.#byLabel.get(label);
      if (!tracked || !tracked.selfHeal) return;
      if (!deleted && isOwnState(tracked, type, object)) return;
      this.#o.logger.debug({ gitSync: tracked.key, kind: type.kind, object: objectKey(object), deleted }, 'drift');
      this.#queue?.enqueue(tracked.key);
    };
    informer.onAdd((o) => seen(o, false));
    informer.onUpdate((_p, o) => seen(o, false));
    informer.onDelete((o) => seen(o, true));
    informer.start();
    this.#drift.set(gk, informer);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const started = this.#idle ? [] : this.#informers;
    await Promise.all([...started, ...this.#drift.values()].map((i) => i.stop()));
  }
}
