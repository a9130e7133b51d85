import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import {
  createInformer,
  namespacedName,
  Resources,
  stripManagedFields,
  type Informer,
  type ResourceType,
  type WorkQueue,
} from '@gitseal/kube';
import type { GitSync } from '@gitseal/manifests';
import {
  APPLIED_DIGEST_ANNOTATION,
  groupOf,
  inventoryId,
  isUnchanged,
  pickOwnedMetadata,
  SYNC_LABEL,
  type AppliedRecord,
  type OwnedMetadata,
} from '@gitseal/sync';
import type { Logger } from 'pino';
import { DriftHeals, type Contest } from './drift-heals.js';
import { changedBy, type ManagedFieldsEntry } from './managed-fields-writers.js';
import { fieldPaths } from './field-paths.js';
import type { ObjectRef } from '@gitseal/notify';
import type { CacheReader } from './sealed-secret-reconciler.js';

/** The field manager of the sync engine's server-side applies (git-sync-kube.ts). */
const SYNC_FIELD_MANAGER = 'gitseal';

/** Any change of this annotation's value syncs the GitSync at once. */
export const REQUESTED_AT_ANNOTATION = 'gitseal.dev/requested-at';

export interface GitSyncWatchOptions {
  readonly kubeConfig: KubeConfig;
  /** Empty: all namespaces. */
  readonly namespaces: readonly string[];
  readonly logger: Logger;
  /**
   * Whether the API server serves GitSyncs. While it does not, the watch stays idle (and counts as synced) and
   * asks again every `servedRecheckMs` (default 10 s): installing the CRD later needs no restart.
   */
  readonly served?: () => Promise<boolean>;
  readonly servedRecheckMs?: number;
  /** Another writer changed or deleted an object GitSync `key` applied with selfHeal: it is put back (metrics). */
  readonly onDrift?: (key: string) => void;
}

/** An applied object another writer changed (or deleted) since the last sync of its GitSync. */
export interface Drift {
  readonly target: ObjectRef;
  /** The fields the other writers own now, as paths (empty after a deletion). */
  readonly fields: readonly string[];
  readonly deleted: boolean;
  /** When it was last seen (ms since the epoch). */
  readonly seenAt: number;
}

/** Drifted objects remembered per GitSync until its next sync reports them. */
const MAX_DRIFTS = 50;

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

function idOf(type: ResourceType, object: KubernetesObject): string {
  const namespace = object.metadata?.namespace;
  return inventoryId({
    apiVersion: type.apiVersion,
    kind: type.kind,
    name: object.metadata?.name ?? '',
    ...(namespace ? { namespace } : {}),
  });
}

/** True when a live object is as gitseal last applied it (or, unknown to this process, carries a digest). */
function isOwnState(tracked: TrackedSync, type: ResourceType, object: KubernetesObject): boolean {
  const live = { ...object, apiVersion: type.apiVersion, kind: type.kind } as unknown as Parameters<
    typeof isUnchanged
  >[1];
  const record = tracked.records.get(idOf(type, object));
  if (!record) return live?.metadata?.annotations?.[APPLIED_DIGEST_ANNOTATION] !== undefined;
  const expected = {
    apiVersion: type.apiVersion,
    kind: type.kind,
    metadata: { labels: { [SYNC_LABEL]: tracked.label }, annotations: { [APPLIED_DIGEST_ANNOTATION]: record.digest } },
  };
  return isUnchanged(expected, live, record);
}

/**
 * What the drift watch caches of an applied object: the metadata isOwnState reads, including the labels and
 * annotations gitseal set on it (`owned`: their keys, from Git), and who wrote it (managedFields with the field
 * sets of other writers as paths only). Not the object's content nor any other annotation
 * (a synced Secret's data, also in kubectl's last-applied-configuration, has no business in this process's
 * memory), which also keeps big inventories cheap.
 */
export function driftView(
  object: KubernetesObject,
  owned?: Pick<OwnedMetadata, 'labels' | 'annotations'>,
): KubernetesObject {
  const m = object.metadata ?? {};
  const digest = m.annotations?.[APPLIED_DIGEST_ANNOTATION];
  const label = m.labels?.[SYNC_LABEL];
  const kept = owned ? pickOwnedMetadata(m, owned) : {};
  const labels = { ...kept.labels, ...(label === undefined ? {} : { [SYNC_LABEL]: label }) };
  const annotations = { ...kept.annotations, ...(digest === undefined ? {} : { [APPLIED_DIGEST_ANNOTATION]: digest }) };
  return {
    ...(object.apiVersion === undefined ? {} : { apiVersion: object.apiVersion }),
    ...(object.kind === undefined ? {} : { kind: object.kind }),
    metadata: {
      ...(m.name === undefined ? {} : { name: m.name }),
      ...(m.namespace === undefined ? {} : { namespace: m.namespace }),
      ...(m.uid === undefined ? {} : { uid: m.uid }),
      ...(m.resourceVersion === undefined ? {} : { resourceVersion: m.resourceVersion }),
      ...(m.generation === undefined ? {} : { generation: m.generation }),
      ...(m.deletionTimestamp === undefined ? {} : { deletionTimestamp: m.deletionTimestamp }),
      ...(Object.keys(labels).length === 0 ? {} : { labels }),
      ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
      ...(m.managedFields === undefined
        ? {}
        : {
            managedFields: m.managedFields.map(({ manager, operation, time, fieldsV1 }) => ({
              ...(manager === undefined ? {} : { manager }),
              ...(operation === undefined ? {} : { operation }),
              ...(time === undefined ? {} : { time }),
              // Another writer's fields, as paths (never values): what a drift notification names.
              ...(manager === SYNC_FIELD_MANAGER || fieldsV1 === undefined ? {} : { fieldPaths: fieldPaths(fieldsV1) }),
            })),
          }),
    },
  };
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
  readonly #heals = new DriftHeals();
  readonly #drifts = new Map<string, Map<string, Drift>>();
  #queue: WorkQueue | undefined;
  #stopped = false;
  #idle = false;
  #recheck: NodeJS.Timeout | undefined;
  #informersStarted = false;

  constructor(options: GitSyncWatchOptions) {
    this.#o = options;
    const namespaces = options.namespaces.length > 0 ? options.namespaces : [undefined];
    for (const namespace of namespaces) {
      this.#informers.push(
        createInformer({
          kubeConfig: options.kubeConfig,
          resource: Resources.GitSync,
          ...(namespace ? { namespace } : {}),
          transform: stripManagedFields,
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
      this.#o.logger.warn({}, 'GitSync CRD not installed: the sync engine starts once it is');
      this.#scheduleRecheck(queue);
      return;
    }
    await this.#startInformers(queue);
  }

  #scheduleRecheck(queue: WorkQueue): void {
    if (this.#stopped) return;
    this.#recheck = setTimeout(() => {
      void (async () => {
        if (this.#stopped) return;
        if (!(await this.#o.served?.().catch(() => false))) return this.#scheduleRecheck(queue);
        this.#o.logger.info({}, 'GitSync CRD installed: starting the sync engine');
        // Readiness stays up meanwhile: the GitSync caches are new, nothing was served from them yet.
        await this.#startInformers(queue).catch(() => undefined);
        this.#idle = false;
      })();
    }, this.#o.servedRecheckMs ?? 10_000);
  }

  async #startInformers(queue: WorkQueue): Promise<void> {
    if (this.#stopped) return;
    this.#informersStarted = true;
    for (const informer of this.#informers) {
      const enqueue = (object: KubernetesObject): void => void queue.enqueue(namespacedName(object));
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
    this.#heals.forget(key);
    this.#drifts.delete(key);
  }

  /**
   * The drift of GitSync `key` seen before `before` (a sync that started then has put it back), then forgotten;
   * drift seen later waits for the next sync.
   */
  takeDrifts(key: string, before: number): Drift[] {
    const drifts = this.#drifts.get(key);
    if (!drifts) return [];
    const taken = [...drifts.values()].filter((d) => d.seenAt < before);
    for (const [id, drift] of drifts) if (drift.seenAt < before) drifts.delete(id);
    if (drifts.size === 0) this.#drifts.delete(key);
    return taken;
  }

  #rememberDrift(
    key: string,
    type: ResourceType,
    object: KubernetesObject,
    managers: readonly string[],
    deleted: boolean,
  ): void {
    let drifts = this.#drifts.get(key);
    if (!drifts) this.#drifts.set(key, (drifts = new Map()));
    const id = idOf(type, object);
    if (!drifts.has(id) && drifts.size >= MAX_DRIFTS) return;
    const namespace = object.metadata?.namespace;
    const entries = (object.metadata?.managedFields ?? []) as (ManagedFieldsEntry & { fieldPaths?: string[] })[];
    const fields = new Set(drifts.get(id)?.fields ?? []);
    for (const entry of entries) {
      if (entry.manager !== undefined && managers.includes(entry.manager)) {
        for (const path of entry.fieldPaths ?? []) fields.add(path);
      }
    }
    drifts.set(id, {
      target: { kind: type.kind, ...(namespace ? { namespace } : {}), name: object.metadata?.name ?? '' },
      fields: [...fields].sort().slice(0, 20),
      deleted,
      seenAt: Date.now(),
    });
  }

  /** Whether another field manager keeps changing back what GitSync `key` applied (see DriftHeals). */
  contestOf(key: string): Contest | undefined {
    return this.#heals.contestOf(key, Date.now());
  }

  /** True once per new contest of GitSync `key`: the reconciler records an Event for it. */
  takeUnreportedContest(key: string): boolean {
    return this.#heals.takeUnreported(key);
  }

  /** The labels and annotations gitseal set on a watched object, as its GitSync's record says. */
  #ownedOf(type: ResourceType, object: KubernetesObject): OwnedMetadata | undefined {
    const label = object.metadata?.labels?.[SYNC_LABEL];
    const tracked = label === undefined ? undefined : this.#byLabel.get(label);
    return tracked?.records.get(idOf(type, object))?.owned;
  }

  #watchKind(type: ResourceType): void {
    const gk = `${groupOf(type.apiVersion)}/${type.kind}`;
    if (this.#stopped || this.#drift.has(gk)) return;
    const informer = createInformer({
      kubeConfig: this.#o.kubeConfig,
      resource: type,
      labelSelector: SYNC_LABEL,
      transform: (object) => driftView(object, this.#ownedOf(type, object)),
      logger: this.#o.logger,
    });
    const seen = (object: KubernetesObject, deleted: boolean): void => {
      const label = object.metadata?.labels?.[SYNC_LABEL];
      const tracked = label === undefined ? undefined : this.#byLabel.get(label);
      if (!tracked || !tracked.selfHeal) return;
      if (!deleted && isOwnState(tracked, type, object)) return;
      const managers = deleted
        ? []
        : changedBy(object.metadata?.managedFields as ManagedFieldsEntry[] | undefined, SYNC_FIELD_MANAGER);
      // Deleted: put back at once (there is no field to fight over). Written last by gitseal itself: a plain
      // resync, paced by the heal backoff (see DriftHeals.ownWrite). Otherwise another field manager's change.
      const now = Date.now();
      const delayMs = deleted
        ? 0
        : managers.length === 0
          ? this.#heals.ownWrite(tracked.key, `${type.kind} ${namespacedName(object)}`, now)
          : this.#heals.drift(tracked.key, `${type.kind} ${namespacedName(object)}`, managers, now);
      this.#o.logger.debug(
        { gitSync: tracked.key, kind: type.kind, object: namespacedName(object), deleted, managers, delayMs },
        'drift',
      );
      if (deleted || managers.length > 0) {
        this.#rememberDrift(tracked.key, type, object, managers, deleted);
        this.#o.onDrift?.(tracked.key);
      }
      this.#queue?.enqueue(tracked.key, delayMs);
    };
    informer.onAdd((o) => seen(o, false));
    informer.onUpdate((_p, o) => seen(o, false));
    informer.onDelete((o) => seen(o, true));
    informer.start();
    this.#drift.set(gk, informer);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#recheck);
    const started = this.#informersStarted ? this.#informers : [];
    await Promise.all([...started, ...this.#drift.values()].map((i) => i.stop()));
  }
}
