import type { KeyObject } from 'node:crypto';
import { KEY_SECRET_PREFIX } from './key-secret-name.js';
import type { KubeConfig } from '@kubernetes/client-node';
import { createInformer, createObject, Resources, safeErrorMessage, type Informer } from '@gitseal/kube';
import type { KubernetesObject } from '@kubernetes/client-node';
import { Label, SEALING_KEY_ACTIVE, type Secret } from '@gitseal/manifests';
import type { Logger } from 'pino';
import { CERTS_CONFIG_MAP, certsConfigMap } from './certs-config-map.js';
import { CertsConfigMapKeeper } from './certs-config-map-keeper.js';
import { ControllerError } from './controller-error.js';
import { buildKeySet, KeySource, KeyState, readKeySecret, type KeySet, type ManagedKey } from './key-set.js';
import type { ControllerMetrics } from './metrics.js';
import type { RsaWorkerPool } from './rsa-worker-pool.js';
import { renewalDelay } from './renewal-delay.js';
import { controllerInvolved, type NotificationSink } from './notification-sink.js';

/** Set on a key Secret the controller re-created from memory after it was deleted (the time it did). */
export const RESTORED_ANNOTATION = 'gitseal.dev/restored-from-memory';
import { deriveDataHmacKey } from './secret-checksum.js';

export interface KeyManagerOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly keySize: number;
  /** 0 disables renewal. */
  readonly renewPeriodMs: number;
  readonly bitnamiCompat: boolean;
  readonly pool: RsaWorkerPool;
  readonly metrics: ControllerMetrics;
  readonly logger: Logger;
  readonly mayWrite: () => boolean;
  /** Where a new sealing key and a restored certificates ConfigMap are announced. */
  readonly notify?: NotificationSink;
}

/**
 * Holds the sealing keys: loads every key Secret in the controller namespace (and Bitnami's in compat mode), keeps
 * them live through informers, generates a key when none can seal, renews on schedule (leader only), publishes
 * the certificates in the `gitseal-certs` ConfigMap (and keeps it so: {@link CertsConfigMapKeeper}) and hands the
 * private keys to the RSA worker pool.
 */
export class KeyManager {
  readonly #o: KeyManagerOptions;
  readonly #log: Logger;
  readonly #informers: Informer<KubernetesObject>[] = [];
  readonly #parsed = new Map<string, { version: string; key: ManagedKey | undefined }>();
  readonly #hmacKeys = new Map<string, Buffer>();
  readonly #listeners = new Set<(keys: KeySet) => void>();
  #keys: KeySet = buildKeySet([]);
  #loaded = false;
  #renewTimer: NodeJS.Timeout | undefined;
  /** Renewals that failed in a row: the next attempt backs off. */
  #renewFailures = 0;
  #generating: Promise<void> | undefined;
  readonly #certs: CertsConfigMapKeeper;
  #stopped = false;
  /**
   * The sealing key whose Secret was deleted while we ran: still seals and decrypts from memory until a Secret
   * holding the same key exists again (the leader re-creates it: {@link #restoreDeleted}).
   */
  #retained: ManagedKey | undefined;
  #restoring: Promise<void> | undefined;
  #restoreFailures = 0;

  constructor(options: KeyManagerOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'key-manager' });
    const selectors: string[] = [Label.SealingKey];
    if (options.bitnamiCompat) selectors.push(Label.BitnamiSealingKey);
    for (const label of selectors) {
      const informer = createInformer({
        kubeConfig: options.kubeConfig,
        resource: Resources.Secret,
        namespace: options.namespace,
        labelSelector: label,
        logger: this.#log,
      });
      const refresh = (): void => this.#refresh();
      informer.onAdd(refresh);
      informer.onUpdate(refresh);
      informer.onDelete(refresh);
      this.#informers.push(informer);
    }
    this.#certs = new CertsConfigMapKeeper({
      kubeConfig: options.kubeConfig,
      namespace: options.namespace,
      desired: () => (this.#loaded ? certsConfigMap(this.#keys, options.namespace) : undefined),
      mayWrite: options.mayWrite,
      metrics: options.metrics,
      logger: this.#log,
      onRestored: () =>
        options.notify?.emit(
          {
            kind: 'CertificateRestored',
            object: { kind: 'ConfigMap', namespace: options.namespace, name: CERTS_CONFIG_MAP },
            ...(this.#keys.sealing ? { keyId: this.#keys.sealing.held.fingerprint } : {}),
          },
          controllerInvolved(options.namespace),
        ),
    });
  }

  get keySet(): KeySet {
    return this.#keys;
  }

  /** Keys loaded and a sealing key present. */
  isReady(): boolean {
    return this.#loaded && this.#keys.sealing !== undefined;
  }

  /** Called after every change of the key set. */
  onChange(listener: (keys: KeySet) => void): void {
    this.#listeners.add(listener);
  }

  /** The per-key HMAC key for produced-Secret data tags; cached, derived from the private key. */
  hmacKeyFor = (keyId: string): Buffer | undefined => {
    const cached = this.#hmacKeys.get(keyId);
    if (cached) return cached;
    const key = this.#keys.byId.get(keyId);
    if (!key) return undefined;
    const derived = deriveDataHmacKey(key.held.privateKey as KeyObject);
    this.#hmacKeys.set(keyId, derived);
    return derived;
  };

  async start(): Promise<void> {
    this.#certs.start();
    for (const informer of this.#informers) informer.start();
    await Promise.all(this.#informers.map((i) => i.waitForSync()));
    this.#loaded = true;
    this.#refresh();
    await this.ensureSealingKey();
    this.#scheduleRenewal();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#renewTimer);
    await Promise.all([...this.#informers.map((i) => i.stop()), this.#certs.stop()]);
    await this.#generating?.catch(() => undefined);
  }

  /**
   * Generates a key when nothing can seal (leader only); resolves once the informer has seen the new key. Called
   * on gaining leadership, so it also restarts the renewal timer, which does not run while following.
   */
  async ensureSealingKey(): Promise<void> {
    if (!this.#loaded || this.#stopped || !this.#o.mayWrite()) return;
    if (this.#renewTimer === undefined) this.#scheduleRenewal();
    this.#restoreDeleted();
    if (this.#keys.sealing) return;
    await this.#generateKey('no active sealing key');
  }

  /** Publishes the certificates again after gaining leadership (another replica may have written meanwhile). */
  async publish(): Promise<void> {
    this.#certs.newTerm();
    await this.#certs.syncNow();
  }

  #refresh(): void {
    if (!this.#loaded || this.#stopped) return;
    const keys: ManagedKey[] = [];
    const seen = new Set<string>();
    this.#informers.forEach((informer, index) => {
      const source = index === 0 ? KeySource.Gitseal : KeySource.Bitnami;
      for (const secret of informer.list() as unknown as Secret[]) {
        if (secret.type !== 'kubernetes.io/tls') continue;
        const id = `${source}:${secret.metadata.uid ?? secret.metadata.name ?? ''}`;
        seen.add(id);
        const version = secret.metadata.resourceVersion ?? '';
        let entry = this.#parsed.get(id);
        if (!entry || entry.version !== version) {
          entry = { version, key: this.#read(secret, source) };
          this.#parsed.set(id, entry);
        }
        if (entry.key) keys.push(entry.key);
      }
    });
    for (const id of this.#parsed.keys()) if (!seen.has(id)) this.#parsed.delete(id);
    this.#retainDeletedSealingKey(keys);
    if (this.#retained) keys.push(this.#retained);
    const next = buildKeySet(keys);
    const previousIds = this.#keys.keys.map((k) => `${k.held.keyId}:${k.state}`).join(',');
    const changed = previousIds !== next.keys.map((k) => `${k.held.keyId}:${k.state}`).join(',');
    this.#keys = next;
    for (const id of this.#hmacKeys.keys()) if (!next.byId.has(id)) this.#hmacKeys.delete(id);
    this.#updateMetrics();
    if (!changed) return;
    this.#o.pool.setKeys(next.ring.keys);
    this.#log.info(
      {
        keys: next.keys.length,
        sealingKeyId: next.sealing?.held.keyId,
        sealingFingerprint: next.sealing?.held.fingerprint,
      },
      'key set changed',
    );
    this.#certs.sync();
    for (const listener of this.#listeners) listener(next);
    // The sealing key was deleted or marked compromised: make a new one rather than stop sealing.
    if (!next.sealing) {
      this.ensureSealingKey().catch((error: unknown) => {
        this.#log.error({ error: safeErrorMessage(error, 'sealing key') }, 'no sealing key made');
      });
    }
  }

  /**
   * A deleted sealing key is not dropped: every SealedSecret sealed since it became the sealing key needs it, and
   * a new key must not silently take its place. Kept in memory (and re-created by the leader) until a Secret
   * holding the same key is back. A relabelled key (decrypt-only, compromised) is not retained: it was retired.
   */
  #retainDeletedSealingKey(loaded: readonly ManagedKey[]): void {
    const held = new Set(loaded.map((k) => k.held.keyId));
    if (this.#retained && held.has(this.#retained.held.keyId)) {
      this.#log.info({ secret: this.#retained.secretName, keyId: this.#retained.held.keyId }, 'deleted key is back');
      this.#retained = undefined;
      this.#restoreFailures = 0;
    }
    const sealing = this.#keys.sealing;
    if (this.#retained || !sealing || sealing.source !== KeySource.Gitseal || held.has(sealing.held.keyId)) return;
    this.#retained = sealing;
    this.#log.warn(
      { secret: sealing.secretName, keyId: sealing.held.keyId, fingerprint: sealing.held.fingerprint },
      'sealing key Secret deleted: kept in memory, still sealing and unsealing with it; the leader re-creates it',
    );
    this.#restoreDeleted();
  }

  /** The leader writes the retained key back under its old name; retried with backoff until it is seen again. */
  #restoreDeleted(): void {
    const key = this.#retained;
    if (!key || this.#restoring || this.#stopped || !this.#o.mayWrite()) return;
    this.#restoring = (async () => {
      const name = key.secretName.slice(key.secretName.indexOf('/') + 1);
      const keyPem = (key.held.privateKey as KeyObject).export({ type: 'pkcs1', format: 'pem' });
      const secret: Secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name,
          namespace: this.#o.namespace,
          labels: { [Label.SealingKey]: SEALING_KEY_ACTIVE },
          annotations: { [RESTORED_ANNOTATION]: new Date().toISOString() },
        },
        type: 'kubernetes.io/tls',
        data: {
          'tls.crt': Buffer.from(key.certificatePem, 'utf8').toString('base64'),
          'tls.key': Buffer.from(keyPem).toString('base64'),
        },
      };
      try {
        await createObject(this.#o.kubeConfig, Resources.Secret, secret, { fieldManager: 'gitseal-controller' });
        this.#o.metrics.apiWrites.inc({ resource: 'KeySecret' });
        this.#log.warn({ secret: key.secretName, keyId: key.held.keyId }, 'deleted sealing key Secret re-created');
      } catch (error) {
        this.#restoreFailures += 1;
        this.#log.error(
          { secret: key.secretName, error: safeErrorMessage(error, 'key restore'), failures: this.#restoreFailures },
          'deleted sealing key Secret not re-created: still held in memory only',
        );
        const wait = Math.min(1_000 * 2 ** (this.#restoreFailures - 1), 60_000);
        setTimeout(() => this.#restoreDeleted(), wait).unref();
      }
    })().finally(() => {
      this.#restoring = undefined;
    });
  }

  #read(secret: Secret, source: KeySource): ManagedKey | undefined {
    try {
      return readKeySecret(secret, source);
    } catch (error) {
      const message = error instanceof ControllerError ? error.message : 'unreadable key Secret';
      this.#log.warn({ secret: `${secret.metadata.namespace}/${secret.metadata.name}`, error: message }, 'key ignored');
      return undefined;
    }
  }

  #updateMetrics(): void {
    const { metrics } = this.#o;
    for (const state of Object.values(KeyState)) {
      metrics.keys.set({ state }, this.#keys.keys.filter((k) => k.state === state).length);
    }
    metrics.setNewestKeyNotBefore(this.#keys.sealing?.notBefore);
  }

  #generateKey(why: string): Promise<void> {
    this.#generating ??= (async () => {
      try {
        const started = Date.now();
        const generated = await this.#o.pool.generateKey(this.#o.keySize);
        // The API server picks a free name: no collisions between replicas or with an earlier key.
        const secret: Secret = {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            generateName: KEY_SECRET_PREFIX,
            namespace: this.#o.namespace,
            labels: { [Label.SealingKey]: SEALING_KEY_ACTIVE },
          },
          type: 'kubernetes.io/tls',
          data: {
            'tls.crt': Buffer.from(generated.certPem, 'utf8').toString('base64'),
            'tls.key': generated.keyPem.reveal().toString('base64'),
          },
        };
        generated.keyPem.wipe();
        const created = await createObject(this.#o.kubeConfig, Resources.Secret, secret, {
          fieldManager: 'gitseal-controller',
        });
        const name = created.metadata.name ?? '';
        this.#o.metrics.apiWrites.inc({ resource: 'KeySecret' });
        this.#log.info({ secret: `${this.#o.namespace}/${name}`, why, ms: Date.now() - started }, 'key generated');
        await this.#waitForKeyCount(name);
        const made = this.#keys.keys.find((k) => k.secretName === `${this.#o.namespace}/${name}`);
        this.#o.notify?.emit(
          {
            kind: 'KeyRotated',
            object: { kind: 'Secret', namespace: this.#o.namespace, name },
            keyId: made?.held.fingerprint ?? name,
          },
          controllerInvolved(this.#o.namespace),
        );
      } finally {
        this.#generating = undefined;
      }
    })();
    return this.#generating;
  }

  async #waitForKeyCount(secretName: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!this.#stopped && Date.now() < deadline) {
      if (this.#keys.keys.some((k) => k.secretName === `${this.#o.namespace}/${secretName}`)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Arms the renewal timer, leader only: a follower's timer stays off until ensureSealingKey on taking over. */
  #scheduleRenewal(): void {
    clearTimeout(this.#renewTimer);
    this.#renewTimer = undefined;
    const period = this.#o.renewPeriodMs;
    if (period <= 0 || this.#stopped || !this.#o.mayWrite()) return;
    const wait = renewalDelay({
      now: Date.now(),
      periodMs: period,
      newestNotBefore: this.#keys.sealing?.notBefore.getTime(),
      failures: this.#renewFailures,
    });
    this.#renewTimer = setTimeout(() => {
      void this.#renewIfDue().finally(() => this.#scheduleRenewal());
    }, wait);
    this.#renewTimer.unref();
  }

  async #renewIfDue(): Promise<void> {
    const newest = this.#keys.sealing;
    if (!this.#o.mayWrite()) return;
    if (newest && newest.notBefore.getTime() + this.#o.renewPeriodMs > Date.now()) return;
    try {
      await this.#generateKey(newest ? 'renewal due' : 'no active sealing key');
      this.#renewFailures = 0;
    } catch (error) {
      this.#renewFailures += 1;
      this.#log.error(
        { error: safeErrorMessage(error, 'key renewal'), failures: this.#renewFailures },
        'key renewal failed',
      );
    }
  }
}
