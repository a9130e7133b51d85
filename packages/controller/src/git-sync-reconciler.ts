import { isConflict, isForbidden, isNotFound, safeErrorMessage } from '@gitseal/kube';
import type { GitSync } from '@gitseal/manifests';
import {
  compileHealthChecks,
  createSyncState,
  gitAuthFromSecretData,
  lastSyncedDigest,
  parseInventoryEntry,
  pruneInventory,
  SyncError,
  SyncReason,
  syncLabel,
  syncRevision,
  type GitAuth,
  type PreflightCache,
  type SealedSecretVerifier,
  type SyncRevisionResult,
  type GitsealObjects,
  type OwningGitSync,
  type TenancyScope,
  type SyncState,
} from '@gitseal/sync';
import type { PrivateKeyRing } from '@gitseal/crypto';
import type { Logger } from 'pino';
import { parseDuration } from './duration.js';
import { FairShare, gitHostOf } from './fair-share.js';
import { MIN_INTERVAL_MS, retryDelay } from './retry-delay.js';
import type { TenancyOptions } from './flags.js';
import { finalizerPatch, hasFinalizer, planDeletion, type DeletionPlan } from './git-sync-finalizer.js';
import { decideIdentity, type IdentityDecision } from './git-sync-identity.js';
import { EventType, type GitSyncKube, type GitSyncSession } from './git-sync-kube.js';
import {
  GitSyncCondition,
  GitSyncReason,
  gitSyncStatus,
  type GitSyncOutcome,
  type GitSyncStatusView,
} from './git-sync-status.js';
import { REQUESTED_AT_ANNOTATION, type GitSyncWatch } from './git-sync-watch.js';
import type { ControllerMetrics } from './metrics.js';
import type { ObjectRef } from '@gitseal/notify';
import type { InvolvedObject } from './notification-routes.js';
import type { NotificationSink } from './notification-sink.js';
import { putDriftBack, syncAnnouncements, type SyncStart } from './sync-announcements.js';
import { statusPatchChangesNothing } from './status-patch.js';

export interface GitSyncReconcilerOptions {
  readonly watch: GitSyncWatch;
  readonly kube: GitSyncKube;
  readonly keys: () => PrivateKeyRing;
  readonly verifySealedSecret: SealedSecretVerifier;
  readonly bitnamiCompat: boolean;
  readonly cacheDir: string;
  readonly allowHttp: boolean;
  readonly allowFile: boolean;
  readonly gitMaxBytes: number;
  readonly metrics: ControllerMetrics;
  readonly logger: Logger;
  readonly mayWrite: () => boolean;
  /** gitseal's own objects (the controller's namespace among them): no tenant GitSync may write them. */
  readonly gitseal: GitsealObjects;
  readonly tenancy: TenancyOptions;
  /** Called when a GitSync is gone (deleted): its Git cache may go. */
  readonly onForget?: () => void;
  /** Sync workers; one namespace gets at most a quarter of them at once (at least 1), one Git host half. Default 4. */
  readonly workers?: number;
  /** Where syncs, failures, prunes, drift put back and contests are announced. */
  readonly notify?: NotificationSink;
}

const DEFAULT_INTERVAL_MS = 5 * 60_000;

/** The namespace a tenant's applier is held to, or undefined when RBAC alone decides. */
function onlyNamespaceOf(scope: TenancyScope): string | undefined {
  return scope.ownNamespaceOnly ? scope.namespace : undefined;
}

function identityName(gitSync: GitSync): string {
  const account = gitSync.spec.serviceAccountName;
  return account ? `ServiceAccount ${gitSync.metadata.namespace ?? 'default'}/${account}` : 'the controller';
}
const DEPENDENCY_RETRY_MS = 5_000;
/** Back after 1–2 s when the GitSync's namespace or Git host has its fair share of the workers already. */
const BUSY_RETRY_MS = 1_000;
/** A finalizer patch that met a concurrent change: read again soon. */
const CONFLICT_RETRY_MS = 1_000;
const PRUNE_RETRY_MS = 30_000;

function durationOr(value: string | undefined, fallback: number): number {
  if (!value) return fallback;
  try {
    const ms = parseDuration(value);
    return ms > 0 ? ms : fallback;
  } catch {
    return fallback;
  }
}

function readyAtLastApplied(gitSync: GitSync | undefined): boolean {
  const status = gitSync?.status;
  const ready = status?.conditions?.find((c) => c.type === GitSyncCondition.Ready);
  return (
    ready?.status === 'True' &&
    status?.lastAppliedRevision !== undefined &&
    status.lastAppliedRevision === status.lastAttemptedRevision &&
    status.observedGeneration === gitSync?.metadata.generation
  );
}

type Admission =
  Extract<IdentityDecision, { ok: true }> | { readonly ok: false; readonly reason: string; readonly message: string };

/**
 * Tenancy first (a refused GitSync must not learn anything, e.g. whether its dependencies exist), then a spec the
 * engine cannot use as written (spec.healthChecks that do not compile): either stalls it until the spec changes.
 */
function admit(gitSync: GitSync, controllerNamespace: string, tenancy: TenancyOptions): Admission {
  const decision = decideIdentity(gitSync, controllerNamespace, tenancy);
  if (!decision.ok) return decision;
  try {
    compileHealthChecks(gitSync.spec.healthChecks);
  } catch (error) {
    if (error instanceof SyncError) return { ok: false, reason: error.reason, message: error.message };
    throw error;
  }
  return decision;
}

/** What the last runs left in the status that the next one starts from: inventory, pending, last applied revision. */
function previousRun(status: GitSyncStatusView | undefined) {
  return {
    inventory: status?.inventory?.entries ?? [],
    pending: status?.inventory?.pending ?? [],
    lastAppliedRevision: status?.lastAppliedRevision,
  };
}

/** The `gitseal.dev/requested-at` value a reconcile starts with (read once: a later one asks for another sync). */
function requestOf(gitSync: GitSync): { requestedAt?: string } {
  const requestedAt = gitSync.metadata.annotations?.[REQUESTED_AT_ANNOTATION];
  return requestedAt === undefined ? {} : { requestedAt };
}

/** The log line of one sync: counts, stage, and where drift was undone to while the head is refused. */
function syncLogFields(result: SyncRevisionResult): Record<string, unknown> {
  const { healed } = result;
  return {
    revision: result.revision,
    result: result.result,
    reason: result.reason,
    stage: result.stage,
    applied: result.applied,
    unchanged: result.unchanged,
    pruned: result.pruned,
    rendered: result.rendered,
    hooks: result.hooks,
    durationMs: result.durationMs,
    ...(healed ? { healedTo: healed.revision, healApplied: healed.applied, healFailed: healed.failed } : {}),
  };
}

/** A GitSync as notification routes see it (alerts select by name and labels). */
function involvedOf(gitSync: GitSync): InvolvedObject {
  const { namespace = 'default', name, labels } = gitSync.metadata;
  return { kind: 'GitSync', namespace, name, ...(labels ? { labels } : {}) };
}

/** `Kind ns/name` or `Kind name` (a Contest's object) as a reference. */
function parseContestObject(object: string): ObjectRef | undefined {
  const match = /^(\S+) (?:([^/\s]+)\/)?(\S+)$/.exec(object);
  if (!match) return undefined;
  return { kind: match[1] ?? '', ...(match[2] ? { namespace: match[2] } : {}), name: match[3] ?? '' };
}

/** Ready for the current generation: nothing new to announce before the sync (also the gitseal_gitsync_ready gauge). */
export function settled(gitSync: GitSync): boolean {
  const status = gitSync.status as GitSyncStatusView | undefined;
  const ready = status?.conditions?.find((c) => c.type === GitSyncCondition.Ready);
  return status?.observedGeneration === gitSync.metadata.generation && ready?.status === 'True';
}

/**
 * Reconciles one GitSync: suspend → dependsOn → credentials → syncRevision (resolve, render in a child process,
 * preflight, apply as the GitSync's ServiceAccount, prune, health) → status, inventory, history and an Event →
 * requeue after spec.interval. Drift of applied objects re-enqueues it through GitSyncWatch.
 */
export class GitSyncReconciler {
  readonly #o: GitSyncReconcilerOptions;
  readonly #states = new Map<string, SyncState>();
  /** Consecutive failed syncs per GitSync, for the retry backoff. */
  readonly #failures = new Map<string, number>();
  readonly #share: FairShare;
  /** SealedSecrets proven to open with the current keys (digests include the key ids). */
  readonly #preflightCache: PreflightCache & { size: number } = new Set<string>();

  constructor(options: GitSyncReconcilerOptions) {
    this.#o = options;
    // A namespace gets a quarter of the workers, a Git host half: one tenant never fills a host's share alone.
    const workers = options.workers ?? 4;
    this.#share = new FairShare((key) => (key.startsWith('host/') ? Math.ceil(workers / 2) : Math.floor(workers / 4)));
  }

  /**
   * Another replica owns GitSync `key` now (--shards auto): its sync state, failure streak and drift watch go, so
   * that a later return starts from the API server's status, not from what this replica remembered.
   */
  release(key: string): void {
    this.#states.delete(key);
    this.#failures.delete(key);
    this.#o.watch.untrack(key);
  }

  /** Failed syncs of GitSync `key` in a row (0 after a success or before the first sync). */
  consecutiveFailures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  async reconcile(key: string): Promise<number | void> {
    const done = this.#o.metrics.reconcileDuration.startTimer({ kind: 'GitSync' });
    try {
      return await this.#reconcile(key);
    } finally {
      done();
    }
  }

  async #reconcile(key: string): Promise<number | void> {
    const gitSync = await this.#load(key);
    if (!gitSync) return undefined;
    const log = this.#o.logger.child({ gitSync: key, generation: gitSync.metadata.generation });
    if (gitSync.metadata.deletionTimestamp) return this.#finalize(key, gitSync, log);
    if (gitSync.spec.suspend === true) return this.#skip(key, gitSync);
    if ((await this.#addFinalizer(gitSync, log)) === 'conflict') return CONFLICT_RETRY_MS;
    const namespace = gitSync.metadata.namespace ?? 'default';
    const interval = Math.max(MIN_INTERVAL_MS, durationOr(gitSync.spec.interval, DEFAULT_INTERVAL_MS));
    // Tenancy first: a refused GitSync must not learn anything, e.g. whether its dependencies exist.
    const decision = admit(gitSync, this.#o.gitseal.controllerNamespace, this.#o.tenancy);
    if (!decision.ok) return this.#refuse(gitSync, decision, log);
    const blocked = this.#blockedBy(gitSync, namespace);
    if (blocked) {
      await this.#writeStatus(gitSync, log, {
        kind: 'waiting',
        ...requestOf(gitSync),
        reason: GitSyncReason.DependencyNotReady,
        message: blocked,
      });
      return Math.min(interval, DEPENDENCY_RETRY_MS);
    }
    const tenancy = this.#tenancyScope(namespace, decision.tenant);
    const session = this.#o.kube.session(decision.identity, onlyNamespaceOf(tenancy));
    const credentials = await this.#credentials(gitSync, namespace, session);
    if ('message' in credentials) {
      this.#o.metrics.syncResults.inc({ result: 'Failed', reason: SyncReason.GitFetchFailed });
      await this.#writeStatus(gitSync, log, {
        kind: 'failed',
        ...requestOf(gitSync),
        reason: SyncReason.GitFetchFailed,
        message: credentials.message,
      });
      return this.#nextDelay(key, false, interval);
    }
    // A fair share of the sync workers: one namespace holds at most a quarter of them, one Git host half.
    // Platform GitSyncs (the controller's namespace) are not held to a namespace share, only to the host's.
    const host = `host/${gitHostOf(gitSync.spec.source.url)}`;
    const release = this.#share.tryAcquire(tenancy.tenant ? [`namespace/${namespace}`, host] : [host]);
    if (!release) return BUSY_RETRY_MS + Math.round(Math.random() * BUSY_RETRY_MS);
    try {
      return await this.#sync(key, gitSync, { session, tenancy, interval, log, ...credentials });
    } finally {
      release();
    }
  }

  /** Runs syncRevision for a GitSync that passed every check, then writes its status, Event and next delay. */
  async #sync(
    key: string,
    gitSync: GitSync,
    run: { session: GitSyncSession; tenancy: TenancyScope; interval: number; log: Logger; auth?: GitAuth },
  ): Promise<number> {
    const { session, tenancy, interval, log, auth } = run;
    const current = gitSync.status as GitSyncStatusView | undefined;
    // A periodic resync of a Ready GitSync writes no Reconciling status: a no-op sync makes no writes at all.
    const live = settled(gitSync) ? gitSync : await this.#writeStatus(gitSync, log, { kind: 'reconciling' });
    const state = this.#stateOf(key);
    const startedAt = new Date();
    const timeoutMs = durationOr(gitSync.spec.timeout, interval);
    const result = await syncRevision({
      gitSync,
      ...previousRun(current),
      discovery: this.#o.kube.discovery,
      capabilities: this.#o.kube.capabilities,
      lastSyncedDigest: lastSyncedDigest(current),
      state,
      ...(auth ? { auth } : {}),
      ...session,
      tenancy,
      ownerOf: (label) => this.#ownerOf(label),
      keys: this.#o.keys(),
      verifySealedSecret: this.#o.verifySealedSecret,
      preflightCache: this.#preflightCache,
      bitnamiCompat: this.#o.bitnamiCompat,
      cacheDir: this.#o.cacheDir,
      allowHttp: this.#o.allowHttp,
      allowFile: this.#o.allowFile,
      gitMaxBytes: this.#o.gitMaxBytes,
      mayWrite: this.#o.mayWrite,
      timeoutMs,
      onResolved: (revision) => this.#announceStart(gitSync, revision),
    });
    this.#track(key, gitSync, result, state);
    this.#o.metrics.syncResults.inc({ result: result.result, reason: result.reason ?? 'None' });
    log.info(syncLogFields(result), 'sync');
    const contested = this.#o.watch.contestOf(key)?.message;
    await this.#writeStatus(live ?? gitSync, log, {
      kind: 'synced',
      result,
      startedAt,
      ...requestOf(gitSync),
      ...(contested === undefined ? {} : { contested }),
    });
    await this.#event(gitSync, result, log);
    this.#announce(key, { gitSync, ...previousRun(current) }, result, startedAt.getTime());
    await this.#reportContest(key, gitSync, contested, log);
    return this.#nextDelay(key, result.result === 'Succeeded', interval);
  }

  /**
   * The GitSync to reconcile as the API server has it now (the cache only wakes us: the API server's status holds
   * the inventory to prune from); undefined when there is nothing to do (gone, not the leader, suspended).
   */
  async #load(key: string): Promise<GitSync | undefined> {
    const cached = this.#o.watch.gitSyncs.get(key);
    if (!cached || !this.#o.mayWrite()) return this.#skip(key, cached);
    if (!cached.metadata.deletionTimestamp && cached.spec.suspend === true) return this.#skip(key, cached);
    const gitSync = await this.#o.kube.readGitSync(cached.metadata.namespace ?? 'default', cached.metadata.name);
    return gitSync ?? this.#skip(key, undefined);
  }

  /**
   * Puts the finalizer on a GitSync before its first sync, so that deleting it can prune what it applied. Without
   * the right to patch GitSyncs the sync goes on without it (logged): deletion then leaves the objects.
   */
  async #addFinalizer(gitSync: GitSync, log: Logger): Promise<'ok' | 'conflict'> {
    const patch = finalizerPatch(gitSync, true);
    if (!patch) return 'ok';
    try {
      await this.#o.kube.patchGitSync(gitSync.metadata.namespace ?? 'default', gitSync.metadata.name, patch);
    } catch (error) {
      if (isConflict(error) || isNotFound(error)) return 'conflict';
      log.warn({ error: safeErrorMessage(error, 'finalizer') }, 'finalizer not added');
    }
    return 'ok';
  }

  /**
   * A GitSync being deleted: prune what it applied when planDeletion says so (as its ServiceAccount, within its
   * tenancy scope, only objects still carrying its sync label), then remove the finalizer. A failed prune keeps
   * the finalizer (Ready=False PruneFailed, retried); every reason not to prune removes it at once.
   */
  async #finalize(key: string, gitSync: GitSync, log: Logger): Promise<number | undefined> {
    if (!hasFinalizer(gitSync)) return this.#skip(key, gitSync);
    const outcome = await this.#pruneForDeletion(gitSync, log);
    if (typeof outcome === 'number') return outcome;
    const patch = finalizerPatch(gitSync, false);
    try {
      if (patch) await this.#o.kube.patchGitSync(gitSync.metadata.namespace ?? 'default', gitSync.metadata.name, patch);
    } catch (error) {
      if (isNotFound(error)) return this.#skip(key, undefined);
      if (isConflict(error)) return CONFLICT_RETRY_MS;
      log.warn({ error: safeErrorMessage(error, 'finalizer') }, 'finalizer not removed');
      return PRUNE_RETRY_MS;
    }
    await this.#recordEvent(gitSync, EventType.Normal, GitSyncReason.Deleted, outcome, log);
    return this.#skip(key, undefined);
  }

  /** What deleting `gitSync` may prune (see planDeletion), with the facts read from the cluster. */
  async #deletionPlan(gitSync: GitSync): Promise<{ plan: DeletionPlan; identity: IdentityDecision }> {
    const namespace = gitSync.metadata.namespace ?? 'default';
    const identity = decideIdentity(gitSync, this.#o.gitseal.controllerNamespace, this.#o.tenancy);
    const account = identity.ok && identity.identity.kind === 'serviceAccount' ? identity.identity : undefined;
    const namespaceTerminating = await this.#o.kube.namespaceTerminating(namespace);
    const serviceAccountGone =
      account !== undefined && !namespaceTerminating
        ? !(await this.#o.kube.serviceAccountExists(account.namespace, account.name))
        : false;
    return { plan: planDeletion(gitSync, { identity, namespaceTerminating, serviceAccountGone }), identity };
  }

  /** The deletion's prune: the Event message when done (or skipped), or the delay before the next attempt. */
  async #pruneForDeletion(gitSync: GitSync, log: Logger): Promise<string | number> {
    const { plan, identity } = await this.#deletionPlan(gitSync);
    if (!plan.prune || !identity.ok) {
      const why = plan.prune ? 'refused' : plan.why;
      log.info({ why }, 'deleted: nothing pruned');
      return `GitSync deleted: nothing pruned (${why})`;
    }
    const tenancy = this.#tenancyScope(gitSync.metadata.namespace ?? 'default', identity.tenant);
    const session = this.#o.kube.session(identity.identity, onlyNamespaceOf(tenancy));
    const inventory = (gitSync.status as GitSyncStatusView | undefined)?.inventory?.entries ?? [];
    try {
      const result = await pruneInventory({ gitSync, inventory, ...session, tenancy });
      log.info({ pruned: result.pruned.length, kept: result.skipped.length }, 'deleted: pruned');
      return `GitSync deleted: pruned ${result.pruned.length} object(s), kept ${result.skipped.length}`;
    } catch (error) {
      const failure = error instanceof SyncError ? error.message : `prune failed: ${safeErrorMessage(error, 'prune')}`;
      log.warn({ reason: SyncReason.PruneFailed, error: failure }, 'deleted: prune failed');
      const before = gitSync.status?.conditions?.find((c) => c.type === GitSyncCondition.Ready);
      await this.#writeStatus(gitSync, log, { kind: 'failed', reason: SyncReason.PruneFailed, message: failure });
      if (before?.reason !== SyncReason.PruneFailed || before.message !== failure) {
        await this.#recordEvent(gitSync, EventType.Warning, SyncReason.PruneFailed, failure, log);
      }
      return PRUNE_RETRY_MS;
    }
  }

  /** The interval after a success; after failures an exponential, jittered backoff (a failing source never spins). */
  #nextDelay(key: string, succeeded: boolean, interval: number): number {
    if (succeeded) {
      this.#failures.delete(key);
      return interval;
    }
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    return retryDelay(failures, interval);
  }

  /** Stalled until the spec changes (which enqueues it) or the controller's flags do (a restart). */
  async #refuse(gitSync: GitSync, refusal: { reason: string; message: string }, log: Logger): Promise<undefined> {
    log.warn({ reason: refusal.reason }, 'refused: stalled until the spec changes');
    const before = gitSync.status?.conditions?.find((c) => c.type === GitSyncCondition.Ready);
    await this.#writeStatus(gitSync, log, { kind: 'failed', ...refusal, stalled: true, ...requestOf(gitSync) });
    if (before?.reason !== refusal.reason || before.message !== refusal.message) {
      await this.#recordEvent(gitSync, EventType.Warning, refusal.reason, refusal.message, log);
    }
    return undefined;
  }

  #skip(key: string, gitSync: GitSync | undefined): undefined {
    if (!gitSync || gitSync.metadata.deletionTimestamp) {
      this.#states.delete(key);
      this.#failures.delete(key);
      this.#o.watch.untrack(key);
      const [namespace = '', name = ''] = key.split('/');
      this.#o.metrics.driftCorrections.remove({ namespace, name });
      if (!gitSync) this.#o.onForget?.();
    }
    return undefined;
  }

  #stateOf(key: string): SyncState {
    let state = this.#states.get(key);
    if (!state) this.#states.set(key, (state = createSyncState()));
    if (this.#preflightCache.size > 50_000) (this.#preflightCache as Set<string>).clear();
    return state;
  }

  /** Why dependsOn holds this GitSync back, or undefined. */
  #blockedBy(gitSync: GitSync, namespace: string): string | undefined {
    const blocked = (gitSync.spec.dependsOn ?? [])
      .map((d) => `${d.namespace ?? namespace}/${d.name}`)
      .filter((key) => !readyAtLastApplied(this.#o.watch.gitSyncs.get(key)));
    return blocked.length > 0 ? `waiting for GitSync ${blocked.join(', ')} to be Ready` : undefined;
  }

  /** Git credentials from spec.source.secretRef (none without one), read with the GitSync's own rights. */
  async #credentials(
    gitSync: GitSync,
    namespace: string,
    session: GitSyncSession,
  ): Promise<{ auth?: GitAuth } | { message: string }> {
    const secretRef = gitSync.spec.source.secretRef?.name;
    if (!secretRef) return {};
    const what = `Secret ${namespace}/${secretRef} (spec.source.secretRef)`;
    let data;
    try {
      data = await this.#o.kube.secretData(namespace, secretRef, session);
    } catch (error) {
      if (isForbidden(error)) return { message: `${what}: ${identityName(gitSync)} may not read it` };
      return { message: `${what}: ${safeErrorMessage(error, 'read')}` };
    }
    if (!data) return { message: `${what}: not found` };
    return { auth: gitAuthFromSecretData(data) };
  }

  /** Where a GitSync of `namespace` may write (a tenant with cross-namespace refs off: only there). */
  #tenancyScope(namespace: string, tenant: boolean): TenancyScope {
    return {
      gitseal: this.#o.gitseal,
      namespace,
      tenant,
      ownNamespaceOnly: tenant && !this.#o.tenancy.crossNamespaceRefs,
    };
  }

  /** The GitSync whose sync label value is `label`, from the cache; undefined when there is none. */
  #ownerOf(label: string): OwningGitSync | undefined {
    for (const key of this.#o.watch.keys()) {
      const other = this.#o.watch.gitSyncs.get(key);
      if (other && syncLabel(other) === label) {
        return { namespace: other.metadata.namespace ?? 'default', name: other.metadata.name };
      }
    }
    return undefined;
  }

  #track(key: string, gitSync: GitSync, result: SyncRevisionResult, state: SyncState): void {
    const kinds = new Map<string, { apiVersion: string; kind: string }>();
    for (const entry of result.inventory) {
      const ref = parseInventoryEntry(entry);
      if (ref) kinds.set(`${ref.apiVersion}/${ref.kind}`, { apiVersion: ref.apiVersion, kind: ref.kind });
    }
    const tracked = {
      key,
      label: syncLabel(gitSync),
      selfHeal: gitSync.spec.selfHeal !== false,
      records: state.records,
    };
    void Promise.all([...kinds.values()].map((k) => this.#o.kube.resourceType(k.apiVersion, k.kind))).then(
      (types) =>
        this.#o.watch.track(
          tracked,
          types.filter((t) => t !== undefined),
        ),
      () => this.#o.watch.track(tracked, []),
    );
  }

  /**
   * Writes the status computed from `gitSync`'s, only if the GitSync has not changed since it was read (its
   * resourceVersion): a conflict re-reads it and computes the status again from the fresh copy (a finalizer or an
   * annotation may have moved it), at most twice. Returns the GitSync as written, or undefined once it is gone.
   */
  async #writeStatus(gitSync: GitSync, log: Logger, outcome: GitSyncOutcome): Promise<GitSync | undefined> {
    const namespace = gitSync.metadata.namespace ?? 'default';
    const generation = gitSync.metadata.generation;
    let base = gitSync;
    for (let attempt = 0; ; attempt++) {
      const current = base.status as GitSyncStatusView | undefined;
      const next = gitSyncStatus(current, generation, outcome);
      if (statusPatchChangesNothing(current, next)) return base;
      try {
        const written = await this.#o.kube.patchStatus(
          namespace,
          base.metadata.name,
          next,
          base.metadata.resourceVersion,
        );
        return {
          ...base,
          metadata: { ...base.metadata, ...(written === undefined ? {} : { resourceVersion: written }) },
          status: next as NonNullable<GitSync['status']>,
        };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        if (isConflict(error) && attempt < 2) {
          const fresh = await this.#o.kube.readGitSync(namespace, base.metadata.name).catch(() => base);
          if (!fresh) return undefined;
          base = fresh;
          continue;
        }
        log.warn({ error: safeErrorMessage(error, 'status') }, 'status not written');
        return base;
      }
    }
  }

  async #event(gitSync: GitSync, result: SyncRevisionResult, log: Logger): Promise<void> {
    const previous = gitSync.status?.conditions?.find((c) => c.type === GitSyncCondition.Ready);
    let type: EventType;
    let reason: string;
    let message: string;
    if (result.result === 'Succeeded') {
      if (result.applied + result.pruned === 0 && previous?.status === 'True') return;
      type = EventType.Normal;
      reason = GitSyncReason.Succeeded;
      message = `Applied revision ${result.revision}: ${result.applied} changed, ${result.unchanged} unchanged, ${result.pruned} pruned`;
    } else {
      reason = result.reason ?? SyncReason.ApplyFailed;
      message = result.message ?? 'sync failed';
      if (previous?.status === 'False' && previous.reason === reason && previous.message === message) return;
      type = EventType.Warning;
    }
    await this.#recordEvent(gitSync, type, reason, message, log);
  }

  /** A revision not applied yet is starting: a commit status goes pending. */
  #announceStart(gitSync: GitSync, revision: string): void {
    if (revision === (gitSync.status as GitSyncStatusView | undefined)?.lastAppliedRevision) return;
    const { namespace = 'default', name } = gitSync.metadata;
    this.#o.notify?.emit(
      { kind: 'SyncStarted', object: { kind: 'GitSync', namespace, name }, revision },
      involvedOf(gitSync),
    );
  }

  /** The notifications of a finished sync (see syncAnnouncements); the drift it put back is reported once. */
  #announce(key: string, start: SyncStart, result: SyncRevisionResult, startedAt: number): void {
    // Drift a failed sync did not put back waits for the sync that does.
    const drifts = putDriftBack(result) ? this.#o.watch.takeDrifts(key, startedAt) : [];
    const notify = this.#o.notify;
    if (!notify) return;
    const involved = involvedOf(start.gitSync);
    for (const event of syncAnnouncements(start, result, drifts)) notify.emit(event, involved);
  }

  /** One Warning Event (and an OwnershipConflict notification) per new contest over an applied field. */
  async #reportContest(key: string, gitSync: GitSync, contested: string | undefined, log: Logger): Promise<void> {
    if (contested === undefined || !this.#o.watch.takeUnreportedContest(key)) return;
    log.warn({ reason: GitSyncReason.FieldManagerConflict, message: contested }, 'contested');
    await this.#recordEvent(gitSync, EventType.Warning, GitSyncReason.FieldManagerConflict, contested, log);
    const contest = this.#o.watch.contestOf(key);
    const target = contest ? parseContestObject(contest.object) : undefined;
    if (contest && target) {
      this.#o.notify?.emit(
        {
          kind: 'OwnershipConflict',
          object: { kind: 'GitSync', namespace: gitSync.metadata.namespace ?? 'default', name: gitSync.metadata.name },
          target,
          owner: contest.managers.join(', '),
        },
        involvedOf(gitSync),
      );
    }
  }

  async #recordEvent(gitSync: GitSync, type: EventType, reason: string, message: string, log: Logger): Promise<void> {
    try {
      await this.#o.kube.event(gitSync, type, reason, message);
    } catch (error) {
      log.warn({ reason, error: safeErrorMessage(error, 'event') }, 'event not recorded');
    }
  }
}
