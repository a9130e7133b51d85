import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import {
  assertOk,
  backoffDelay,
  createInformer,
  createObject,
  EventRecorder,
  EventType,
  findJson,
  isAlreadyExists,
  isConflict,
  replaceObject,
  requestRaw,
  resourcePath,
  Resources,
  safeErrorMessage,
  type Informer,
} from '@gitseal/kube';
import type { Logger } from 'pino';
import { CERTS_CONFIG_MAP, type CertsConfigMap } from './certs-config-map.js';
import { certsConfigMapDrift, restoredCertsConfigMap, type LiveConfigMap } from './certs-config-map-drift.js';
import { FIELD_MANAGER } from './kube-cluster-writes.js';
import { changedBy, type ManagedFieldsEntry } from './managed-fields-writers.js';
import type { ControllerMetrics } from './metrics.js';
import { NO_RESTORES, planRestore, type RestoreHistory } from './restore-backoff.js';

/** The Event reason of a restore. */
export const CERTS_RESTORED_REASON = 'CertsConfigMapRestored';

/** Retries of a read or write that failed (403, 5xx, no answer): 1 s doubling to 30 s. */
const FAILURE_RETRY = { baseMs: 1_000, maxMs: 30_000, jitter: 0.2 } as const;
/** After a 409 (someone wrote in between) look again soon; the watch event usually comes first. */
const CONFLICT_RETRY_MS = 200;

export interface CertsConfigMapKeeperOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  /** The ConfigMap the key set gives; undefined while the keys are not loaded (then nothing is written). */
  readonly desired: () => CertsConfigMap | undefined;
  readonly mayWrite: () => boolean;
  readonly metrics: Pick<ControllerMetrics, 'apiWrites' | 'certsConfigMapRestores'>;
  readonly logger: Logger;
  /** Called after a restore of a changed or deleted ConfigMap (not after gitseal's own publishing). */
  readonly onRestored?: () => void;
}

/** Why the live object is not what we last wrote: someone else changed or deleted it. */
interface ForeignChange {
  readonly deleted: boolean;
  readonly writers: readonly string[];
  readonly drift: readonly string[];
}

/**
 * Keeps the `gitseal-certs` ConfigMap exactly what the key set gives (leader only). It publishes after a key
 * change, and it watches that one object (managedFields kept, they name who changed it): any change or deletion
 * by someone else is undone at once, counted, and reported by a Warning Event on the ConfigMap. Restores answered
 * by yet another change back off (see planRestore), so two writers fighting over it cannot loop. Writes replace
 * the whole object: server-side apply would keep data keys another manager added.
 */
export class CertsConfigMapKeeper {
  readonly #o: CertsConfigMapKeeperOptions;
  readonly #log: Logger;
  readonly #informer: Informer<KubernetesObject>;
  readonly #recorder: EventRecorder;
  readonly #name: string;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = 0;
  #running: Promise<void> | undefined;
  #dirty = false;
  #stopped = false;
  /** resourceVersion of the object as we last wrote (or found it right) in this leadership term. */
  #ownVersion: string | undefined;
  /** Its managedFields then: who changed it later is whoever's entry differs. */
  #ownFields: readonly ManagedFieldsEntry[] | undefined;
  /** A restore that deleted an immutable copy but has not recreated it yet. */
  #recreating: ForeignChange | undefined;
  #deletedByOther = false;
  #ownDeletedUid: string | undefined;
  /** When the foreign change not yet restored was first seen. */
  #changedAt: number | undefined;
  #deferredUntil: number | undefined;
  #history: RestoreHistory = NO_RESTORES;
  #failures = 0;

  constructor(options: CertsConfigMapKeeperOptions) {
    this.#o = options;
    this.#name = `${options.namespace}/${CERTS_CONFIG_MAP}`;
    this.#log = options.logger.child({ configMap: this.#name });
    this.#recorder = new EventRecorder({
      kubeConfig: options.kubeConfig,
      component: FIELD_MANAGER,
      logger: this.#log,
    });
    // No transform: managedFields tell who changed the object. It is one small object.
    this.#informer = createInformer({
      kubeConfig: options.kubeConfig,
      resource: Resources.ConfigMap,
      namespace: options.namespace,
      fieldSelector: `metadata.name=${CERTS_CONFIG_MAP}`,
      logger: this.#log,
    });
    this.#informer.onAdd(() => this.sync());
    this.#informer.onUpdate(() => this.sync());
    this.#informer.onDelete((last) => {
      if (last.metadata?.uid === undefined || last.metadata.uid !== this.#ownDeletedUid) this.#deletedByOther = true;
      this.sync();
    });
  }

  /** Starts the watch; does not wait for it (publishing works without it: every pass reads the object). */
  start(): void {
    this.#informer.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#informer.stop();
    await this.#running?.catch(() => undefined);
  }

  /** A new leadership term: another replica may have written since our last write. */
  newTerm(): void {
    this.#ownVersion = undefined;
    this.#ownFields = undefined;
  }

  /** Looks at the object soon (e.g. after a key change or a watch event). */
  sync(): void {
    this.#scheduleAt(Date.now());
  }

  /** Looks at the object now; resolves when done (a deferred restore stays scheduled). */
  syncNow(): Promise<void> {
    return this.#pass();
  }

  #scheduleAt(at: number): void {
    if (this.#stopped) return;
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        void this.#pass();
      },
      Math.max(0, at - Date.now()),
    );
    this.#timer.unref();
  }

  #pass(): Promise<void> {
    if (this.#running) {
      this.#dirty = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#dirty = false;
          await this.#reconcile();
        } while (this.#dirty && !this.#stopped);
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  async #reconcile(): Promise<void> {
    if (this.#stopped || !this.#o.mayWrite()) return;
    const desired = this.#o.desired();
    if (desired === undefined) return;
    let live: LiveConfigMap | undefined;
    try {
      live = await this.#read();
    } catch (error) {
      this.#retryAfterFailure(error, 'read');
      return;
    }
    const drift = live === undefined ? [] : certsConfigMapDrift(live, desired);
    if (live !== undefined && drift.length === 0) {
      this.#remember(live);
      this.#changedAt = undefined;
      this.#deferredUntil = undefined;
      this.#deletedByOther = false;
      this.#failures = 0;
      return;
    }
    const foreign = this.#foreignChange(live, drift);
    if (foreign === undefined) {
      await this.#write(live, desired, undefined);
      return;
    }
    const now = Date.now();
    this.#changedAt ??= now;
    const plan = planRestore(this.#history, this.#changedAt);
    if (plan.notBefore > now) {
      if (this.#deferredUntil !== plan.notBefore) {
        this.#deferredUntil = plan.notBefore;
        this.#log.warn(
          { changedBy: foreign.writers, streak: plan.streak, waitMs: plan.notBefore - now },
          'certificates ConfigMap changed again right after a restore; restore backed off',
        );
      }
      this.#scheduleAt(plan.notBefore);
      return;
    }
    if (await this.#write(live, desired, foreign)) {
      this.#history = { streak: plan.streak, lastAt: Date.now() };
      this.#changedAt = undefined;
      this.#deferredUntil = undefined;
    }
  }

  /**
   * Someone else's change, or undefined when the object is merely behind the key set (our own earlier write, or
   * the first publish). Before our first write of a term, managedFields decide; after it, any other version is
   * someone else's, whatever field manager it claims.
   */
  #foreignChange(live: LiveConfigMap | undefined, drift: readonly string[]): ForeignChange | undefined {
    if (live === undefined) {
      if (this.#recreating !== undefined) return this.#recreating;
      const deleted = this.#deletedByOther || this.#ownVersion !== undefined;
      return deleted ? { deleted, writers: [], drift: [] } : undefined;
    }
    const version = live.metadata?.resourceVersion;
    if (version !== undefined && version === this.#ownVersion) return undefined;
    const writers = changedBy(live.metadata?.managedFields, FIELD_MANAGER, this.#ownFields);
    if (this.#ownVersion === undefined && writers.length === 0) return undefined;
    return { deleted: false, writers, drift };
  }

  async #read(): Promise<LiveConfigMap | undefined> {
    const path = resourcePath(Resources.ConfigMap, this.#o.namespace, CERTS_CONFIG_MAP);
    return findJson<LiveConfigMap>(this.#o.kubeConfig, { path, what: `read ConfigMap ${this.#name}` });
  }

  /** Creates, replaces, or (immutable) deletes and recreates the object; true when it was written. */
  async #write(
    live: LiveConfigMap | undefined,
    desired: CertsConfigMap,
    foreign: ForeignChange | undefined,
  ): Promise<boolean> {
    let written: LiveConfigMap;
    try {
      if (live !== undefined && live.immutable === true) {
        await this.#delete(live);
        this.#recreating = foreign;
      }
      written =
        live === undefined || live.immutable === true
          ? await createObject(this.#o.kubeConfig, Resources.ConfigMap, desired, { fieldManager: FIELD_MANAGER })
          : await replaceObject(this.#o.kubeConfig, Resources.ConfigMap, restoredCertsConfigMap(live, desired), {
              fieldManager: FIELD_MANAGER,
            });
    } catch (error) {
      if (isConflict(error) || isAlreadyExists(error)) {
        this.#scheduleAt(Date.now() + CONFLICT_RETRY_MS);
      } else {
        this.#retryAfterFailure(error, foreign ? 'restore' : 'publish');
      }
      return false;
    }
    this.#o.metrics.apiWrites.inc({ resource: 'ConfigMap' });
    this.#remember(written);
    this.#recreating = undefined;
    this.#deletedByOther = false;
    this.#failures = 0;
    if (foreign !== undefined) await this.#reportRestore(written, foreign);
    return true;
  }

  /** The object as we wrote it or found it right: the baseline later changes are told apart from. */
  #remember(object: LiveConfigMap): void {
    this.#ownVersion = object.metadata?.resourceVersion;
    this.#ownFields = object.metadata?.managedFields;
  }

  async #delete(live: LiveConfigMap): Promise<void> {
    const uid = live.metadata?.uid;
    this.#ownDeletedUid = uid;
    const what = `delete ConfigMap ${this.#name}`;
    const body = JSON.stringify({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      preconditions: { uid, resourceVersion: live.metadata?.resourceVersion },
    });
    const response = await requestRaw(this.#o.kubeConfig, {
      method: 'DELETE',
      path: resourcePath(Resources.ConfigMap, this.#o.namespace, CERTS_CONFIG_MAP),
      // Node frames no DELETE body by itself: without a length the server would read it as the next request.
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) },
      body,
      what,
    });
    if (response.status !== 404) assertOk(response, what);
    this.#o.metrics.apiWrites.inc({ resource: 'ConfigMap' });
  }

  async #reportRestore(written: LiveConfigMap, foreign: ForeignChange): Promise<void> {
    this.#o.metrics.certsConfigMapRestores.inc();
    const who = foreign.writers.length > 0 ? foreign.writers.join(', ') : undefined;
    const message = foreign.deleted
      ? `ConfigMap ${this.#name} was deleted; recreated it from the sealing keys`
      : `ConfigMap ${this.#name} was changed by ${who ?? 'an unknown writer (field manager gitseal-controller or none)'}` +
        ` (${foreign.drift.join(', ')}); restored it from the sealing keys`;
    this.#log.warn(
      { changedBy: foreign.writers, deleted: foreign.deleted, drift: foreign.drift },
      'certificates ConfigMap restored',
    );
    await this.#recorder.record({
      involvedObject: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: CERTS_CONFIG_MAP,
        namespace: this.#o.namespace,
        uid: written.metadata?.uid,
        resourceVersion: written.metadata?.resourceVersion,
      },
      type: EventType.Warning,
      reason: CERTS_RESTORED_REASON,
      message,
    });
    this.#o.metrics.apiWrites.inc({ resource: 'Event' });
    this.#o.onRestored?.();
  }

  #retryAfterFailure(error: unknown, what: string): void {
    this.#failures += 1;
    const waitMs = backoffDelay(this.#failures - 1, FAILURE_RETRY);
    this.#log.warn(
      { error: safeErrorMessage(error, `${what} ConfigMap ${this.#name}`), failures: this.#failures, waitMs },
      'certificates ConfigMap not written',
    );
    this.#scheduleAt(Date.now() + waitMs);
  }
}
