import { CryptoErrorCode } from '@gitseal/crypto';
import { Annotation, BITNAMI_API_VERSION, type SealedSecret, type Secret } from '@gitseal/manifests';
import { isConflict, isNotFound, safeErrorMessage } from '@gitseal/kube';
import type { Logger } from 'pino';
import { BitnamiErrorReason, conditionGaugeValue } from './bitnami-metrics.js';
import { EventType, type ClusterWrites } from './cluster-writes.js';
import { planSecretWrite, SecretWrite } from './desired-secret.js';
import { ControllerError } from './controller-error.js';
import { checksumOfSealedSecret, isSettled } from './lean-sealed-secret.js';
import type { UnsealOutcome } from './unseal-sealed-secret.js';
import { KeyState, type KeySet, type ManagedKey } from './key-set.js';
import type { InvolvedObject } from './notification-routes.js';
import type { NotificationSink } from './notification-sink.js';
import type { ControllerMetrics } from './metrics.js';
import {
  buildSecret,
  planSecret,
  readSealedSecret,
  type HmacKeyFor,
  type ReadSealedSecret,
  type SecretPlan,
} from './plan-sealed-secret.js';
import type { RsaWorkerPool } from './rsa-worker-pool.js';
import {
  ConditionType,
  desiredStatus,
  SealedSecretReason,
  type SealedSecretStatusView,
  type SyncResult,
} from './sealed-secret-status.js';
import { statusPatchChangesNothing } from './status-patch.js';

/**
 * An object with no items (kubeseal --allow-empty-data): nothing to open, so its Secret holds only the template's
 * data, as with Bitnami. The newest key vouches for it (the key-id and keyed HMAC of its Secret), so it is
 * recognised as intact later like any other.
 */
/** What one reconcile decided, reported once by the caller. */
interface Outcome {
  readonly result: SyncResult;
  readonly secretWritten: boolean;
  /** The Secret write failed: reported, then thrown again. */
  readonly failedWrite?: unknown;
}

function report(result: SyncResult, secretWritten = false): Outcome {
  return { result, secretWritten };
}

function withoutItems(object: string, keys: KeySet): UnsealOutcome {
  const keyId = (keys.sealing ?? keys.keys[0])?.held.keyId;
  if (keyId === undefined) {
    const message = `SealedSecret ${object}: no keys held`;
    return { ok: false, code: CryptoErrorCode.UnknownKey, message, cause: 'no keys held', rsaOperations: 0 };
  }
  return { ok: true, data: {}, keyIds: [keyId], rsaOperations: 0 };
}

/** Bitnami's `reason` label of sealed_secrets_controller_unseal_errors_total for a failed reconcile. */
function bitnamiErrorReason(reason: SealedSecretReason): BitnamiErrorReason {
  if (reason === SealedSecretReason.SecretNotOwned) return BitnamiErrorReason.Unmanaged;
  if (reason === SealedSecretReason.ApplyFailed) return BitnamiErrorReason.Update;
  return BitnamiErrorReason.Unseal;
}

/**
 * The Warning Event's reason. For bitnami.com objects, Bitnami's own (`ErrUnsealFailed` when the object does not
 * open or its template fails, `ErrUpdateFailed` when the Secret cannot be written), so existing alerts match.
 */
export function eventReason(reason: SealedSecretReason, bitnami: boolean): string {
  if (!bitnami) return reason;
  if (reason === SealedSecretReason.SecretNotOwned || reason === SealedSecretReason.ApplyFailed)
    return BitnamiEventReason.UpdateFailed;
  return BitnamiEventReason.UnsealFailed;
}

export const BitnamiEventReason = { UnsealFailed: 'ErrUnsealFailed', UpdateFailed: 'ErrUpdateFailed' } as const;

function managedAnnotation(sealedSecret: SealedSecret): string {
  return sealedSecret.apiVersion === BITNAMI_API_VERSION ? Annotation.BitnamiManaged : Annotation.Managed;
}

/** The checksum of one unseal attempt: the object under the whole key set (only whole objects get this far). */
function attemptChecksum(sealedSecret: SealedSecret, keys: KeySet): string {
  const checksum = checksumOfSealedSecret(
    sealedSecret,
    keys.ring.keys.map((k) => k.keyId),
  );
  if (checksum === undefined) throw new Error('an unseal attempt needs the whole SealedSecret');
  return checksum;
}

/** An unseal planned for a SealedSecret the cache holds without its ciphertexts (lean-sealed-secret.ts). */
function needsWhole(plan: SecretPlan, read: ReadSealedSecret): boolean {
  return plan.kind === 'unseal' && isSettled(read.sealedSecret);
}

/** A SealedSecret as notification routes see it (alerts select by name and labels). */
function involvedOf(raw: SealedSecret): InvolvedObject {
  return {
    kind: 'SealedSecret',
    namespace: raw.metadata.namespace ?? '',
    name: raw.metadata.name,
    ...(raw.metadata.labels ? { labels: raw.metadata.labels } : {}),
  };
}

/** Read access to the informer caches, by `namespace/name`. */
export interface CacheReader<T> {
  get(key: string): T | undefined;
}

export interface SealedSecretReconcilerOptions {
  readonly sealedSecrets: CacheReader<unknown>;
  readonly secrets: CacheReader<Secret>;
  readonly writes: ClusterWrites;
  readonly pool: RsaWorkerPool;
  readonly keys: () => KeySet;
  readonly hmacKeyFor: HmacKeyFor;
  readonly metrics: ControllerMetrics;
  readonly logger: Logger;
  /** When false (not the leader) the reconciler writes nothing. */
  readonly mayWrite: () => boolean;
  /** Where a failure to unseal and an object opened with a compromised key are announced. */
  readonly notify?: NotificationSink;
}

/**
 * Reconciles one SealedSecret: cache → validate → plan (no RSA when the Secret is intact) → unseal in the worker
 * pool → write the Secret → write status (only when it changed) → next requeue delay (or none).
 */
export class SealedSecretReconciler {
  readonly #o: SealedSecretReconcilerOptions;
  /** Keys of objects last opened with a compromised key, for the gauge. */
  readonly #compromised = new Set<string>();
  /**
   * The last failed unseal per object, by a checksum over its ciphertexts, template and the whole key set: the
   * same object under the same keys fails the same way, so a status write or resync costs no RSA again.
   */
  readonly #failures = new Map<string, { attempt: string; reason: SealedSecretReason; message: string }>();

  constructor(options: SealedSecretReconcilerOptions) {
    this.#o = options;
  }

  async reconcile(key: string): Promise<number | void> {
    const done = this.#o.metrics.reconcileDuration.startTimer({ kind: 'SealedSecret' });
    try {
      return await this.#reconcile(key);
    } finally {
      done();
    }
  }

  async #reconcile(key: string): Promise<number | void> {
    const raw = this.#o.sealedSecrets.get(key) as SealedSecret | undefined;
    if (!raw || raw.metadata.deletionTimestamp || !this.#o.mayWrite()) {
      this.#forget(key);
      return undefined;
    }
    this.#o.metrics.bitnami?.unsealRequests.inc();
    const log = this.#o.logger.child({ sealedSecret: key, generation: raw.metadata.generation });
    // Every path decides an outcome; status, metrics and events are reported once, here (Flux's finalizeStatus).
    const outcome = await this.#decide(key, raw, log);
    if (outcome.failedWrite !== undefined) {
      await this.#finish(raw, log, outcome.result).catch(() => undefined);
      throw outcome.failedWrite; // the work queue retries with backoff
    }
    return this.#finish(raw, log, outcome.result, outcome.secretWritten);
  }

  /** Reads, plans, unseals and writes the Secret as needed; says what to report. */
  async #decide(key: string, raw: SealedSecret, log: Logger): Promise<Outcome> {
    let read: ReadSealedSecret;
    try {
      read = readSealedSecret(raw);
    } catch (error) {
      const message = error instanceof ControllerError ? error.message : 'not a valid SealedSecret';
      return report({ synced: false, reason: SealedSecretReason.InvalidSealedSecret, message });
    }
    let existing = await this.#existingSecret(key, read);
    const keys = this.#o.keys();
    let plan = planSecret(read.sealedSecret, existing, keys, this.#o.hmacKeyFor);
    if (plan.kind === 'read') {
      // The cache keeps produced Secrets without their data; this reconcile writes, so it reads the whole Secret.
      const { namespace = '', name } = read.sealedSecret.metadata;
      existing = await this.#o.writes.readSecret(namespace, name);
      plan = planSecret(read.sealedSecret, existing, keys, this.#o.hmacKeyFor);
      if (plan.kind === 'read') throw new Error(`Secret ${key}: read without its data`);
    }
    // The cache holds it without ciphertexts (its Secret was intact until now): read it whole, once.
    if (needsWhole(plan, read)) return this.#decide(key, await this.#readWhole(key, read.sealedSecret), log);
    if (plan.kind === 'foreign') {
      return report({
        synced: false,
        reason: SealedSecretReason.SecretNotOwned,
        message: `Secret ${key} exists and is not owned by this SealedSecret (annotate it ${managedAnnotation(raw)}: "true" to hand it over)`,
      });
    }
    if (plan.kind === 'intact') {
      const failed = plan.repair ? await this.#write(plan.repair, existing, log) : undefined;
      if (failed) return failed;
      return report(this.#success(key, plan.keyIds, keys), !!plan.repair);
    }
    const attempt = attemptChecksum(read.sealedSecret, keys);
    const remembered = this.#rememberedFailure(key, raw, attempt);
    if (remembered) return report(remembered);
    const { encryptedData } = read.sealedSecret.spec;
    const outcome =
      Object.keys(encryptedData).length === 0
        ? withoutItems(key, keys)
        : await this.#o.pool.unseal({
            object: key,
            scopeLabel: read.scopeLabel,
            encryptedData,
            ...(plan.preferKeyId ? { preferKeyId: plan.preferKeyId } : {}),
          });
    if (!outcome.ok) {
      log.warn(
        { reason: SealedSecretReason.UnsealFailed, code: outcome.code, rsaOperations: outcome.rsaOperations },
        'unseal failed',
      );
      return report(this.#failed(key, attempt, SealedSecretReason.UnsealFailed, outcome.message));
    }
    this.#failures.delete(key);
    let desired: Secret;
    try {
      desired = buildSecret(read, outcome.data, outcome.keyIds, this.#o.hmacKeyFor, existing);
    } catch (error) {
      // A template that fails fails again under the same spec and keys: remembered like a failed unseal.
      const message = error instanceof ControllerError ? error.message : 'cannot build the Secret';
      return report(this.#failed(key, attempt, SealedSecretReason.InvalidSealedSecret, message));
    }
    const failed = await this.#write(desired, existing, log);
    if (failed) return failed;
    log.info(
      { reason: SealedSecretReason.Unsealed, keyIds: outcome.keyIds, rsaOperations: outcome.rsaOperations },
      'unsealed',
    );
    return report(this.#success(key, outcome.keyIds, keys), true);
  }

  async #readWhole(key: string, settled: SealedSecret): Promise<SealedSecret> {
    const { namespace = '', name } = settled.metadata;
    const whole = await this.#o.writes.readSealedSecret(settled.apiVersion, namespace, name);
    this.#o.metrics.sealedSecretReads.inc();
    // Deleted meanwhile: the retry finds it gone from the cache too, and forgets it.
    if (whole === undefined) throw new Error(`SealedSecret ${key} was deleted while it was reconciled`);
    return whole as SealedSecret;
  }

  /** Records a failure after RSA work; its checksum goes to status.failedChecksum, so a restart remembers it. */
  #failed(key: string, attempt: string, reason: SealedSecretReason, message: string): SyncResult {
    this.#failures.set(key, { attempt, reason, message });
    return { synced: false, reason, message, failedChecksum: attempt };
  }

  /**
   * The same object under the same keys fails the same way: a failure remembered in memory, or in the status a
   * previous process wrote (same checksum, Synced=False), is reported again without any RSA work.
   */
  #rememberedFailure(key: string, raw: SealedSecret, attempt: string): SyncResult | undefined {
    const failed = this.#failures.get(key);
    if (failed?.attempt === attempt) return { ...failed, synced: false, failedChecksum: attempt };
    const status = raw.status as SealedSecretStatusView | undefined;
    const synced = status?.conditions?.find((c) => c.type === ConditionType.Synced);
    const reason = synced?.reason;
    const rememberable =
      reason === SealedSecretReason.UnsealFailed || reason === SealedSecretReason.InvalidSealedSecret;
    if (status?.failedChecksum !== attempt || synced?.status !== 'False' || !rememberable) return undefined;
    const message = synced.message ?? `SealedSecret ${key}: unseal failed`;
    this.#failures.set(key, { attempt, reason, message });
    return { synced: false, reason, message, failedChecksum: attempt };
  }

  #success(key: string, keyIds: readonly string[], keys: KeySet): SyncResult {
    const used = keyIds.map((id) => keys.byId.get(id)).filter((k) => k !== undefined);
    const compromised = used.some((k) => k.state === KeyState.Compromised);
    if (compromised && !this.#compromised.has(key)) this.#announceCompromised(key, used);
    if (compromised) this.#compromised.add(key);
    else this.#compromised.delete(key);
    this.#o.metrics.compromisedKeyObjects.set(this.#compromised.size);
    return {
      synced: true,
      reason: SealedSecretReason.Unsealed,
      message: 'Secret is up to date',
      keyFingerprints: used.map((k) => k.held.fingerprint),
      compromised,
    };
  }

  #forget(key: string): void {
    this.#failures.delete(key);
    const [namespace = '', name = ''] = key.split('/');
    for (const condition of Object.values(ConditionType)) {
      this.#o.metrics.bitnami?.conditionInfo.remove({ namespace, name, condition });
    }
    if (this.#compromised.delete(key)) this.#o.metrics.compromisedKeyObjects.set(this.#compromised.size);
  }

  /** From the cache (which only holds our labelled Secrets), else one GET: an unlabelled Secret may be there. */
  async #existingSecret(key: string, read: ReadSealedSecret): Promise<Secret | undefined> {
    const cached = this.#o.secrets.get(key);
    if (cached) return cached;
    const { namespace = '', name } = read.sealedSecret.metadata;
    return this.#o.writes.readSecret(namespace, name);
  }

  /**
   * Writes the Secret. A failed write becomes an outcome (Synced=False, ApplyFailed, a safe message) that is
   * reported and then thrown again, so that the work queue retries with backoff.
   */
  async #write(desired: Secret, existing: Secret | undefined, log: Logger): Promise<Outcome | undefined> {
    try {
      await this.#writeSecret(desired, existing, log);
      return undefined;
    } catch (error) {
      // A conflict only means the cache was behind: the retry reads afresh, no need to report it.
      if (isConflict(error)) throw error;
      const { namespace = '', name = '' } = desired.metadata;
      const message = safeErrorMessage(error, `write Secret ${namespace}/${name}`);
      return {
        result: { synced: false, reason: SealedSecretReason.ApplyFailed, message },
        secretWritten: false,
        failedWrite: error,
      };
    }
  }

  async #writeSecret(desired: Secret, existing: Secret | undefined, log: Logger): Promise<void> {
    const { namespace = '', name = '' } = desired.metadata;
    const action = planSecretWrite(existing, desired);
    if (action === SecretWrite.Recreate) {
      await this.#o.writes.deleteSecret(namespace, name, existing?.metadata.uid ?? '');
    }
    if (action === SecretWrite.Replace) {
      await this.#o.writes.replaceSecret(desired, existing?.metadata.resourceVersion ?? '');
    } else {
      await this.#o.writes.createSecret(desired);
    }
    log.debug({ action }, 'secret written');
  }

  async #finish(raw: SealedSecret, log: Logger, result: SyncResult, secretWritten = false): Promise<number | void> {
    this.#o.metrics.unsealResults.inc({ reason: result.synced && !secretWritten ? 'Unchanged' : result.reason });
    const key = `${raw.metadata.namespace ?? ''}/${raw.metadata.name}`;
    if (!result.synced && this.#compromised.delete(key)) {
      this.#o.metrics.compromisedKeyObjects.set(this.#compromised.size);
    }
    const current = raw.status as SealedSecretStatusView | undefined;
    const next = desiredStatus(current, raw.metadata.generation, result);
    const statusChanged = !statusPatchChangesNothing(current, next);
    const subject = {
      apiVersion: raw.apiVersion,
      kind: 'SealedSecret',
      namespace: raw.metadata.namespace ?? '',
      name: raw.metadata.name,
      uid: raw.metadata.uid ?? '',
    };
    if (!result.synced) this.#bitnamiError(subject.namespace, bitnamiErrorReason(result.reason));
    if (statusChanged) {
      try {
        await this.#o.writes.patchSealedSecretStatus(raw.apiVersion, subject.namespace, subject.name, next);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        this.#bitnamiError(subject.namespace, BitnamiErrorReason.Status);
        throw error;
      }
    }
    this.#observeConditions(subject.namespace, subject.name, next);
    const isBitnami = raw.apiVersion === BITNAMI_API_VERSION;
    if (secretWritten && result.synced) {
      await this.#event(
        subject,
        EventType.Normal,
        SealedSecretReason.Unsealed,
        'Secret written from SealedSecret',
        log,
      );
    } else if (!result.synced && statusChanged) {
      await this.#event(subject, EventType.Warning, eventReason(result.reason, isBitnami), result.message, log);
      this.#o.notify?.emit(
        {
          kind: 'UnsealFailed',
          object: { kind: 'SealedSecret', namespace: subject.namespace, name: subject.name },
          reason: result.reason,
          message: result.message,
        },
        involvedOf(raw),
      );
    }
    return undefined;
  }

  #announceCompromised(key: string, used: readonly ManagedKey[]): void {
    const raw = this.#o.sealedSecrets.get(key) as SealedSecret | undefined;
    const [namespace = '', name = ''] = key.split('/');
    for (const managed of used.filter((k) => k.state === KeyState.Compromised)) {
      this.#o.notify?.emit(
        {
          kind: 'CompromisedKeyInUse',
          object: { kind: 'SealedSecret', namespace, name },
          keyId: managed.held.fingerprint,
        },
        raw ? involvedOf(raw) : { kind: 'SealedSecret', namespace, name },
      );
    }
  }

  /** Bitnami's condition_info gauge, as its controller sets it after each status update. */
  #observeConditions(namespace: string, name: string, status: SealedSecretStatusView): void {
    const gauge = this.#o.metrics.bitnami?.conditionInfo;
    for (const c of gauge ? (status.conditions ?? []) : []) {
      gauge?.set({ namespace, name, condition: c.type }, conditionGaugeValue(c.status));
    }
  }

  #bitnamiError(namespace: string, reason: BitnamiErrorReason): void {
    this.#o.metrics.bitnami?.unsealErrors.inc({ reason, namespace });
  }

  async #event(
    subject: Parameters<ClusterWrites['recordEvent']>[0],
    type: EventType,
    reason: string,
    message: string,
    log: Logger,
  ): Promise<void> {
    try {
      await this.#o.writes.recordEvent(subject, type, reason, message);
    } catch (error) {
      log.warn({ reason, error: safeErrorMessage(error, 'event') }, 'event not recorded');
    }
  }
}
