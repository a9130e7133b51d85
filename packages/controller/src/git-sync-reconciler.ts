import { isForbidden, isNotFound, safeErrorMessage } from '@gitseal/kube';
import type { GitSync } from '@gitseal/manifests';
import {
  compileHealthChecks,
  createSyncState,
  gitAuthFromSecretData,
  parseInventoryEntry,
  SyncReason,
  syncLabel,
  SyncError,
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
import type { TenancyOptions } from './flags.js';
import { decideIdentity, type IdentityDecision } from './git-sync-identity.js';
import { EventType, type GitSyncKube, type GitSyncSession } from './git-sync-kube.js';
import {
  GitSyncCondition,
  GitSyncReason,
  gitSyncStatus,
  sameGitSyncStatus,
  type GitSyncOutcome,
  type GitSyncStatusView,
} from './git-sync-status.js';
import type { GitSyncWatch } from './git-sync-watch.js';
import type { ControllerMetrics } from './metrics.js';

export interface GitSyncReconcilerOptions {
  readonly watch: GitSyncWatch;
  readonly kube: GitSyncKube;
  readonly keys: () => PrivateKeyRing;
  readonly verifySealedSecret: SealedSecretVerifier;
  readonly bitnamiCompat: boolean;
  readonly cacheDir: string;
  readonly allowHttp: boolean;
  readonly allowFile: boolean;
  readonly metrics: ControllerMetrics;
  readonly logger: Logger;
  readonly mayWrite: () => boolean;
  /** gitseal's own objects (the controller's namespace among them): no tenant GitSync may write them. */
  readonly gitseal: GitsealObjects;
  readonly tenancy: TenancyOptions;
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

/** Ready for the current generation: nothing new to announce before the sync. */
function settled(gitSync: GitSync): boolean {
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
  /** SealedSecrets proven to open with the current keys (digests include the key ids). */
  readonly #preflightCache: PreflightCache & { size: number } = new Set<string>();

  constructor(options: GitSyncReconcilerOptions) {
    this.#o = options;
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
    const cached = this.#o.watch.gitSyncs.get(key);
    if (!cached || cached.metadata.deletionTimestamp || !this.#o.mayWrite() || cached.spec.suspend === true) {
      return this.#skip(key, cached);
    }
    // The cache wakes us; the API server's copy decides (its status holds the inventory to prune from).
    const gitSync = await this.#o.kube.readGitSync(cached.metadata.namespace ?? 'default', cached.metadata.name);
    if (!gitSync || gitSync.metadata.deletionTimestamp || gitSync.spec.suspend === true) {
      return this.#skip(key, gitSync);
    }
    const namespace = gitSync.metadata.namespace ?? 'default';
    const log = this.#o.logger.child({ gitSync: key, generation: gitSync.metadata.generation });
    const interval = durationOr(gitSync.spec.interval, DEFAULT_INTERVAL_MS);
    // Tenancy first: a refused GitSync must not learn anything, e.g. whether its dependencies exist.
    const decision = admit(gitSync, this.#o.gitseal.controllerNamespace, this.#o.tenancy);
    if (!decision.ok) return this.#refuse(gitSync, decision, log);
    const blocked = this.#blockedBy(gitSync, namespace);
    if (blocked) {
      await this.#writeStatus(gitSync, log, {
        kind: 'waiting',
        reason: GitSyncReason.DependencyNotReady,
        message: blocked,
      });
      return Math.min(interval, DEPENDENCY_RETRY_MS);
    }
    const tenancy = this.#tenancyScope(namespace, decision.tenant);
    const session = this.#o.kube.session(decision.identity, onlyNamespaceOf(tenancy));
    const credentials = await this.#credentials(gitSync, namespace, session);
    if ('message' in credentials) {
      await this.#writeStatus(gitSync, log, {
        kind: 'failed',
        reason: SyncReason.GitFetchFailed,
        message: credentials.message,
      });
      return Math.min(interval, 30_000);
    }
    const { auth } = credentials;
    const current = gitSync.status as GitSyncStatusView | undefined;
    // A periodic resync of a Ready GitSync writes no Reconciling status: a no-op sync makes no writes at all.
    const live = settled(gitSync) ? gitSync : await this.#writeStatus(gitSync, log, { kind: 'reconciling' });
    const state = this.#stateOf(key);
    const startedAt = new Date();
    const timeoutMs = durationOr(gitSync.spec.timeout, interval);
    const result = await syncRevision({
      gitSync,
      inventory: current?.inventory?.entries ?? [],
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
      timeoutMs,
    });
    this.#track(key, gitSync, result, state);
    log.info(
      {
        revision: result.revision,
        result: result.result,
        reason: result.reason,
        stage: result.stage,
        applied: result.applied,
        unchanged: result.unchanged,
        pruned: result.pruned,
        rendered: result.rendered,
        durationMs: result.durationMs,
      },
      'sync',
    );
    await this.#writeStatus(live ?? gitSync, log, { kind: 'synced', result, startedAt });
    await this.#event(gitSync, result, log);
    return result.result === 'Succeeded' ? interval : Math.min(interval, 60_000);
  }

  /** Stalled until the spec changes (which enqueues it) or the controller's flags do (a restart). */
  async #refuse(gitSync: GitSync, refusal: { reason: string; message: string }, log: Logger): Promise<undefined> {
    log.warn({ reason: refusal.reason }, 'refused: stalled until the spec changes');
    const before = gitSync.status?.conditions?.find((c) => c.type === GitSyncCondition.Ready);
    await this.#writeStatus(gitSync, log, { kind: 'failed', ...refusal, stalled: true });
    if (before?.reason !== refusal.reason || before.message !== refusal.message) {
      await this.#recordEvent(gitSync, EventType.Warning, refusal.reason, refusal.message, log);
    }
    return undefined;
  }

  #skip(key: string, gitSync: GitSync | undefined): undefined {
    if (!gitSync || gitSync.metadata.deletionTimestamp) {
      this.#states.delete(key);
      this.#o.watch.untrack(key);
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

  async #writeStatus(gitSync: GitSync, log: Logger, outcome: GitSyncOutcome): Promise<GitSync | undefined> {
    const current = gitSync.status as GitSyncStatusView | undefined;
    const next = gitSyncStatus(current, gitSync.metadata.generation, outcome);
    if (sameGitSyncStatus(current, next)) return gitSync;
    try {
      await this.#o.kube.patchStatus(gitSync.metadata.namespace ?? 'default', gitSync.metadata.name, next);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      log.warn({ error: safeErrorMessage(error, 'status') }, 'status not written');
      return gitSync;
    }
    return { ...gitSync, status: next as GitSync['status'] };
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

  async #recordEvent(gitSync: GitSync, type: EventType, reason: string, message: string, log: Logger): Promise<void> {
    try {
      await this.#o.kube.event(gitSync, type, reason, message);
    } catch (error) {
      log.warn({ reason, error: safeErrorMessage(error, 'event') }, 'event not recorded');
    }
  }
}
