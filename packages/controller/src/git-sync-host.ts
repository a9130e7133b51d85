import { mkdirSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import type { PrivateKeyRing } from '@gitseal/crypto';
import { safeErrorMessage, WorkQueue } from '@gitseal/kube';
import type { Logger } from 'pino';
import type { ControllerOptions } from './flags.js';
import { configureDefaultRenderPool, parseGitUrl, removeUnusedGitCaches, type GitsealObjects } from '@gitseal/sync';
import type { GitSync } from '@gitseal/manifests';
import { CERTS_CONFIG_MAP } from './certs-config-map.js';
import { decideIdentity } from './git-sync-identity.js';
import { GitSyncKube } from './git-sync-kube.js';
import { KEY_SECRET_PREFIX } from './key-secret-name.js';
import { LEASE_NAME } from './leadership.js';
import { GitSyncReconciler, settled } from './git-sync-reconciler.js';
import { GitSyncWatch } from './git-sync-watch.js';
import type { ControllerMetrics, GitSyncHealth } from './metrics.js';
import type { RsaWorkerPool } from './rsa-worker-pool.js';
import type { WebhookBackend } from './webhook.js';
import type { NotificationSink } from './notification-sink.js';
import type { ObjectScope } from './object-scope.js';
import { WebhookSecrets } from './webhook-secrets.js';

export interface GitSyncHostOptions {
  readonly kubeConfig: KubeConfig;
  readonly options: ControllerOptions;
  readonly keys: () => PrivateKeyRing;
  /** Preflight opens SealedSecrets here, off the main thread. */
  readonly pool: RsaWorkerPool;
  readonly metrics: ControllerMetrics;
  readonly logger: Logger;
  /** Fences every write of a reconcile (by the GitSync it is about, through objectScope, or by leadership). */
  readonly mayWrite: () => boolean;
  /** Each reconcile runs in the scope of `GitSync/namespace/name`, which mayWrite reads. */
  readonly objectScope: ObjectScope;
  /** May this replica write object `Kind/namespace/name` now? */
  readonly mayWriteKey: (key: string) => boolean;
  /** --shards auto: a webhook for a GitSync another replica owns is handed to it through the API server. */
  readonly sharded?: boolean;
  readonly notify?: NotificationSink;
  /** Told after each reconcile (idle-collector.ts). */
  readonly afterWork?: () => void;
}

/** The GitSync reconciler as the controller hosts it: watch, queue, and the push webhook's routes. */
export interface GitSyncHost {
  readonly name: string;
  readonly watch: GitSyncWatch;
  readonly queue: WorkQueue;
  /** What the push webhook's routes ask (webhook.ts); the routes themselves live in lazy-git-sync-host.ts. */
  readonly webhook: WebhookBackend;
  enqueueAll(): void;
  /** A GitSync is gone: its Git cache is removed soon unless another GitSync uses the same URL. */
  forgotten(): void;
  /** Another replica owns GitSync `key` now: forget its sync state and stop watching its objects for drift. */
  release(key: string): void;
  stop(): void;
}

/** gitseal's own objects in its namespace, which GitSyncs must leave alone. */
export function gitsealObjects(controllerNamespace: string): GitsealObjects {
  return {
    controllerNamespace,
    configMaps: [CERTS_CONFIG_MAP],
    leases: [LEASE_NAME],
    keySecretPrefixes: [KEY_SECRET_PREFIX],
  };
}

export function createGitSyncHost(o: GitSyncHostOptions): GitSyncHost {
  const log = o.logger.child({ reconciler: 'gitsync' });
  mkdirSync(o.options.gitCacheDir, { recursive: true, mode: 0o700 });
  configureDefaultRenderPool({ size: o.options.renderWorkers });
  const kube = new GitSyncKube(o.kubeConfig, log.child({ component: 'events' }), o.mayWrite);
  const watch = new GitSyncWatch({
    kubeConfig: o.kubeConfig,
    namespaces: o.options.namespaces,
    logger: log,
    served: async () => (await kube.resourceType('gitseal.dev/v1alpha1', 'GitSync')) !== undefined,
    onDrift: (key) => {
      const [namespace = '', name = ''] = key.split('/');
      o.metrics.driftCorrections.inc({ namespace, name });
    },
  });
  const gc = gitCacheCollector(o.options.gitCacheDir, watch, log);
  const reconciler = new GitSyncReconciler({
    watch,
    kube,
    keys: o.keys,
    verifySealedSecret: async (sealed) => {
      const outcome = await o.pool.unseal(sealed, { discardData: true });
      return outcome.ok ? undefined : outcome.cause;
    },
    bitnamiCompat: o.options.bitnamiCompat,
    cacheDir: o.options.gitCacheDir,
    allowFile: o.options.gitAllowFile,
    allowHttp: o.options.gitAllowHttp,
    gitMaxBytes: o.options.gitMaxBytes,
    metrics: o.metrics,
    logger: log,
    mayWrite: o.mayWrite,
    gitseal: gitsealObjects(o.options.namespace),
    tenancy: o.options.tenancy,
    onForget: () => gc.soon(),
    workers: o.options.workers,
    ...(o.notify ? { notify: o.notify } : {}),
  });
  o.metrics.observeGitSyncs(() => gitSyncHealth(watch, reconciler, (key) => o.mayWriteKey(`GitSync/${key}`)));
  const queue = new WorkQueue({
    process: async (key) => {
      try {
        return await o.objectScope.run(`GitSync/${key}`, () => reconciler.reconcile(key));
      } finally {
        o.afterWork?.();
      }
    },
    concurrency: o.options.workers,
    logger: log,
    retry: { baseMs: 1_000, maxMs: 120_000 },
  });
  // Webhook keys are held in memory and read in the background: no answer waits on the API server, so an
  // unknown GitSync and a known one answer in the same time (webhook-secrets.ts).
  const webhookSecrets = new WebhookSecrets({
    keys: () => watch.keys(),
    ref: (key) => watch.gitSyncs.get(key)?.spec.webhookSecretRef?.name || undefined,
    // As the GitSync's identity: a tenant cannot make the webhook an oracle for a Secret its account may not read.
    read: async (key, namespace, secretName) => {
      const gitSync = watch.gitSyncs.get(key);
      if (!gitSync) return undefined;
      const decision = decideIdentity(gitSync, o.options.namespace, o.options.tenancy);
      if (!decision.ok) return undefined;
      return (await kube.secretData(namespace, secretName, kube.session(decision.identity)))?.['token'];
    },
    logger: log.child({ component: 'webhook-secrets' }),
  });
  webhookSecrets.start();
  const webhook: WebhookBackend = {
    webhookSecret: (namespace, name) => webhookSecrets.get(`${namespace}/${name}`),
    refused: (namespace, name) => webhookSecrets.refused(`${namespace}/${name}`),
    trigger: (namespace, name) => {
      const key = `${namespace}/${name}`;
      if (!o.sharded || o.mayWriteKey(`GitSync/${key}`)) return void queue.enqueue(key);
      // Another replica owns it: the annotation's change reaches the owner's watch, which syncs at once.
      kube.requestSync(namespace, name).then(
        () => log.info({ gitSync: key }, 'webhook handed to the owning replica'),
        (error: unknown) =>
          log.warn({ gitSync: key, error: safeErrorMessage(error, 'request sync') }, 'webhook not handed over'),
      );
    },
  };
  return {
    name: 'gitsync',
    watch,
    queue,
    webhook,
    enqueueAll: () => watch.keys().forEach((k) => queue.enqueue(k)),
    forgotten: gc.soon,
    release: (key) => reconciler.release(key),
    stop: gc.stop,
  };
}

/** The source URL a GitSync's cache repository is keyed by (as the render child parses it), if it parses. */
function cacheUrlOf(gitSync: GitSync | undefined): string | undefined {
  const url = gitSync?.spec.source.url;
  if (!url) return undefined;
  try {
    return parseGitUrl(url, { allowFile: true, allowHttp: true }).url;
  } catch {
    return undefined;
  }
}

/**
 * Removes cached repositories no GitSync uses any more: a few seconds after a GitSync is gone, and every 10 minutes
 * (a GitSync moved to another URL, or deleted while the controller was down).
 */
function gitCacheCollector(cacheDir: string, watch: GitSyncWatch, log: Logger) {
  let timer: NodeJS.Timeout | undefined;
  const collect = async (): Promise<void> => {
    if (!watch.hasSynced()) return;
    const inUse = watch.keys().flatMap((key) => cacheUrlOf(watch.gitSyncs.get(key)) ?? []);
    const removed = await removeUnusedGitCaches(cacheDir, inUse).catch(() => []);
    if (removed.length > 0) log.info({ removed: removed.length }, 'removed unused Git caches');
  };
  const periodic = setInterval(() => void collect(), 10 * 60_000);
  periodic.unref();
  return {
    soon(): void {
      clearTimeout(timer);
      timer = setTimeout(() => void collect(), 2_000);
      timer.unref();
    },
    stop(): void {
      clearTimeout(timer);
      clearInterval(periodic);
    },
  };
}

/** The per-GitSync gauges' view of every cached GitSync; failure streaks only where this replica syncs it. */
function* gitSyncHealth(
  watch: GitSyncWatch,
  reconciler: GitSyncReconciler,
  owns: (key: string) => boolean,
): Iterable<GitSyncHealth> {
  for (const key of watch.keys()) {
    const gitSync = watch.gitSyncs.get(key);
    if (!gitSync) continue;
    yield {
      namespace: gitSync.metadata.namespace ?? 'default',
      name: gitSync.metadata.name,
      ready: settled(gitSync),
      consecutiveFailures: owns(key) ? reconciler.consecutiveFailures(key) : undefined,
    };
  }
}
