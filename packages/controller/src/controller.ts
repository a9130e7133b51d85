import { readFileSync } from 'node:fs';
import {
  createApiDiscovery,
  Resources,
  resolveKubeConfig,
  safeErrorMessage,
  WorkQueue,
  type ResourceType,
} from '@gitseal/kube';
import type { Logger } from 'pino';
import type { ControllerOptions } from './flags.js';
import { createApiApp, createMetricsApp, type Readiness } from './http-api.js';
import { fenceClusterWrites } from './fenced-cluster-writes.js';
import { listen, type Listening } from './http-listen.js';
import { KeyManager } from './key-manager.js';
import { createKubeClusterWrites } from './kube-cluster-writes.js';
import { createLazyGitSyncHost, withWebhook } from './lazy-git-sync-host.js';
import { createLeadership } from './leadership.js';
import { createMetrics, type ControllerMetrics } from './metrics.js';
import { ObjectScope } from './object-scope.js';
import { Sharding } from './sharding.js';
import { NotificationKube } from './notification-kube.js';
import { NotificationResources } from './notification-resources.js';
import { NO_NOTIFICATIONS, type NotificationSink } from './notification-sink.js';
import { RsaWorkerPool } from './rsa-worker-pool.js';
import { rotateSealedSecret, verifySealedSecret } from './sealed-secret-api.js';
import { SealedSecretReconciler } from './sealed-secret-reconciler.js';
import { SealedSecretWatch } from './sealed-secret-watch.js';
import { IdleCollector } from './idle-collector.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** One reconciler hosted by the process: SealedSecrets (gitseal.dev, and bitnami.com in compat mode) and GitSyncs. */
interface HostedReconciler {
  readonly name: string;
  readonly watch: Pick<SealedSecretWatch, 'start' | 'hasSynced' | 'stop'>;
  readonly queue: WorkQueue;
  enqueueAll(): void;
}

export interface RunningController {
  readonly apiPort: number;
  readonly metricsPort: number;
  readonly metrics: ControllerMetrics;
  /** Resolves with a safe one-line reason if start-up (keys, informers) failed; never resolves otherwise. */
  readonly startFailed: Promise<string>;
  /** Graceful stop: no new work, in-flight reconciles finish, lease released, servers closed. */
  stop(): Promise<void>;
}

function readinessOf(keys: KeyManager, reconcilers: readonly HostedReconciler[], started: () => boolean): Readiness {
  const waitingFor: string[] = [];
  if (!keys.isReady()) waitingFor.push('keys');
  if (!started() || !reconcilers.every((r) => r.watch.hasSynced())) waitingFor.push('informers');
  return { ready: waitingFor.length === 0, waitingFor };
}

/** NotificationProviders and NotificationAlerts, their deliveries counted in gitseal_notifications_total. */
function createNotifications(
  options: ControllerOptions,
  kubeConfig: ReturnType<typeof resolveKubeConfig>['kubeConfig'],
  metrics: ControllerMetrics,
  logger: Logger,
  mayWrite: () => boolean,
): NotificationResources {
  const discovery = createApiDiscovery(kubeConfig);
  const served = async (): Promise<boolean> => {
    const kinds = [Resources.NotificationProvider, Resources.NotificationAlert];
    const found = await Promise.all(kinds.map((k) => discovery.resource(k.apiVersion, k.kind)));
    return found.every((f) => f !== undefined);
  };
  const count = (outcome: string) => (provider: string, type: string) =>
    metrics.notifications.inc({ provider, type, outcome });
  const log = logger.child({ component: 'notifications' });
  return new NotificationResources({
    kubeConfig,
    kube: new NotificationKube(kubeConfig, mayWrite),
    namespaces: options.namespaces,
    controllerNamespace: options.namespace,
    tenancy: options.tenancy,
    allowHttp: options.notifications.allowHttp,
    notifier: {
      ...(options.notifications.linkPattern ? { linkPattern: options.notifications.linkPattern } : {}),
      metrics: {
        sent: count('sent'),
        failed: count('failed'),
        dropped: count('dropped'),
        deduplicated: count('deduplicated'),
        retried: count('retried'),
      },
      logger: log,
    },
    served,
    mayWrite,
    logger: log,
  });
}

/** Wires everything and starts it; resolves once the HTTP servers listen (informers sync in the background). */
export async function startController(options: ControllerOptions, logger: Logger): Promise<RunningController> {
  const { kubeConfig, source } = resolveKubeConfig(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {});
  logger.info({ kubeconfigSource: source, namespace: options.namespace, watch: options.namespaces }, 'starting');
  const metrics = createMetrics({ bitnamiCompat: options.bitnamiCompat, version: packageVersion() });
  const pool = new RsaWorkerPool({
    size: options.rsaWorkers,
    logger: logger.child({ component: 'rsa-worker-pool' }),
    onRsaOperations: (count) => metrics.rsaPrivateOperations.inc(count),
  });
  metrics.observeRsaPool(() => ({ size: pool.maxSize, running: pool.size, ...pool.stats }));
  metrics.keyRenewPeriod.set(options.keyRenewPeriodMs / 1_000);
  const reconcilers: HostedReconciler[] = [];
  const enqueueAll = (): void => reconcilers.forEach((r) => r.enqueueAll());
  let started = false;

  const leadership = createLeadership({
    enabled: options.leaderElect,
    timings: options.leaderElection,
    kubeConfig,
    namespace: options.namespace,
    logger: logger.child({ component: 'leader-election' }),
    onStartedLeading: () => {
      metrics.leader.set(1);
      // Before the keys are loaded this does nothing: KeyManager.start makes the key once they are.
      keys.ensureSealingKey().then(
        () => keys.publish(),
        (error: unknown) => logger.error({ error: safeErrorMessage(error, 'sealing key') }, 'no sealing key made'),
      );
      // Objects seen while following were skipped: look at all of them again (a no-op before the informers run).
      enqueueAll();
    },
    onStoppedLeading: () => metrics.leader.set(0),
  });
  const mayWrite = (): boolean => leadership.isLeader();
  // --shards auto: each object's writes are fenced by its owner among the live replicas; off: by the leader.
  const sharding =
    options.shards === 'auto'
      ? new Sharding({
          kubeConfig,
          namespace: options.namespace,
          timings: options.leaderElection,
          logger: logger.child({ component: 'shards' }),
          metrics,
        })
      : undefined;
  const objectScope = new ObjectScope();
  const mayWriteKey = (key: string | undefined): boolean => (sharding ? sharding.mayWrite(key) : mayWrite());
  const mayWriteObject = (): boolean => mayWriteKey(objectScope.current());
  const notifications = options.notifications.enabled
    ? createNotifications(options, kubeConfig, metrics, logger, mayWrite)
    : undefined;
  const notify: NotificationSink = notifications?.hub ?? NO_NOTIFICATIONS;
  const keys = new KeyManager({
    kubeConfig,
    namespace: options.namespace,
    keySize: options.keySize,
    renewPeriodMs: options.keyRenewPeriodMs,
    bitnamiCompat: options.bitnamiCompat,
    pool,
    metrics,
    logger,
    mayWrite,
    notify,
  });
  keys.onChange(() => enqueueAll());

  const writes = fenceClusterWrites(
    createKubeClusterWrites(kubeConfig, logger.child({ component: 'events' }), metrics),
    mayWriteObject,
  );
  // A full collection once work has gone quiet: V8 alone leaves a burst's garbage for the next allocation.
  const idleCollector = new IdleCollector();
  const kinds: ResourceType[] = options.sealedSecrets ? [Resources.SealedSecret] : [];
  if (options.sealedSecrets && options.bitnamiCompat) kinds.push(Resources.BitnamiSealedSecret);
  for (const resource of kinds) {
    const name = resource.apiVersion.split('/')[0] ?? resource.apiVersion;
    const log = logger.child({ reconciler: name });
    const watch = new SealedSecretWatch({
      kubeConfig,
      resource,
      namespaces: options.namespaces,
      hmacKeyFor: keys.hmacKeyFor,
      logger: log,
    });
    const reconciler = new SealedSecretReconciler({
      sealedSecrets: watch.sealedSecrets,
      secrets: watch.secrets,
      writes,
      pool,
      keys: () => keys.keySet,
      hmacKeyFor: keys.hmacKeyFor,
      metrics,
      logger: log,
      mayWrite: mayWriteObject,
      notify,
    });
    const queue = new WorkQueue({
      process: async (key) => {
        try {
          return await objectScope.run(`SealedSecret/${key}`, () => reconciler.reconcile(key));
        } finally {
          idleCollector.noteWork();
        }
      },
      concurrency: options.workers,
      logger: log,
      retry: { baseMs: 1_000, maxMs: 120_000 },
    });
    reconcilers.push({ name, watch, queue, enqueueAll: () => watch.keys().forEach((k) => queue.enqueue(k)) });
    // gitseal.dev and bitnami.com objects of one name write the same Secret: one key, one owner.
    sharding?.register({
      kind: 'SealedSecret',
      keys: () => watch.keys(),
      synced: () => watch.hasSynced(),
      enqueue: (k) => void queue.enqueue(k),
    });
  }

  const backend = {
    sealingCertPem: () => keys.keySet.sealing?.certificatePem,
    readiness: () => readinessOf(keys, reconcilers, () => started),
    verify: (body: unknown) => verifySealedSecret({ pool, keys: () => keys.keySet, logger }, body),
    rotate: (body: unknown) => rotateSealedSecret({ pool, keys: () => keys.keySet, logger }, body),
  };
  // The sync engine is loaded when the first GitSync appears (lazy-git-sync-host.ts).
  const gitSync = options.sync
    ? createLazyGitSyncHost({
        kubeConfig,
        options,
        keys: () => keys.keySet.ring,
        pool,
        metrics,
        logger,
        mayWrite: mayWriteObject,
        objectScope,
        mayWriteKey,
        sharded: sharding !== undefined,
        notify,
        afterWork: () => idleCollector.noteWork(),
      })
    : undefined;
  if (gitSync) reconcilers.push(gitSync);
  if (gitSync && sharding) {
    sharding.register({
      kind: 'GitSync',
      keys: () => gitSync.watch.keys(),
      synced: () => gitSync.watch.hasSynced(),
      enqueue: (k) => void gitSync.queue.enqueue(k),
      release: (k) => gitSync.release(k),
    });
  }
  const servers: Listening[] = [];
  const apiApp = withWebhook(createApiApp({ backend, logger, metrics }), gitSync?.webhook);
  servers.push(await listen(apiApp, options.listenAddress));
  servers.push(
    await listen(
      createMetricsApp(metrics.registry, sharding ? () => sharding.debug() : undefined),
      options.metricsAddress,
    ),
  );
  const [api, metricsServer] = servers as [Listening, Listening];
  logger.info({ apiPort: api.port, metricsPort: metricsServer.port }, 'listening');

  const gauges = setInterval(() => {
    for (const r of reconcilers) metrics.queueDepth.set({ queue: r.name }, r.queue.length + r.queue.delayed);
  }, 1_000);
  gauges.unref();
  let resync: NodeJS.Timeout | undefined;

  const run = (async () => {
    leadership.start();
    sharding?.start();
    await keys.start();
    void notifications?.start();
    for (const r of reconcilers) await r.watch.start(r.queue);
    started = true;
    logger.info({ keys: keys.keySet.keys.length, sealingKeyId: keys.keySet.sealing?.held.keyId }, 'started');
    if (options.resyncPeriodMs > 0) {
      resync = setInterval(enqueueAll, options.resyncPeriodMs);
      resync.unref();
    }
  })();
  const startFailed = run.then(
    () => new Promise<string>(() => undefined),
    (error: unknown) => {
      const reason = safeErrorMessage(error, 'start');
      logger.fatal({ error: reason }, 'start failed');
      return reason;
    },
  );

  return {
    apiPort: api.port,
    metricsPort: metricsServer.port,
    metrics,
    startFailed,
    async stop() {
      clearInterval(gauges);
      clearInterval(resync);
      idleCollector.stop();
      gitSync?.stop();
      await Promise.all(reconcilers.map((r) => r.watch.stop()));
      await Promise.all(reconcilers.map((r) => r.queue.shutdown()));
      // Only now: in-flight reconciles have finished their writes.
      await sharding?.stop();
      await notifications?.stop();
      await keys.stop();
      await leadership.release();
      await pool.close();
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
