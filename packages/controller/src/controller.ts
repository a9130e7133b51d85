import { loadKubeConfig, Resources, resolveKubeConfig, WorkQueue, type ResourceType } from '@gitseal/kube';
import type { Logger } from 'pino';
import type { ControllerOptions } from './flags.js';
import { createApiApp, createMetricsApp, type Readiness } from './http-api.js';
import { listen, type Listening } from './http-listen.js';
import { KeyManager } from './key-manager.js';
import { createKubeClusterWrites } from './kube-cluster-writes.js';
import { createLeadership } from './leadership.js';
import { createMetrics, type ControllerMetrics } from './metrics.js';
import { RsaWorkerPool } from './rsa-worker-pool.js';
import { rotateSealedSecret, verifySealedSecret } from './sealed-secret-api.js';
import { SealedSecretReconciler } from './sealed-secret-reconciler.js';
import { SealedSecretWatch } from './sealed-secret-watch.js';

/** One reconciler hosted by the process. The sync engine (GitSync) plugs in here as a second kind later. */
interface HostedReconciler {
  readonly name: string;
  readonly watch: SealedSecretWatch;
  readonly queue: WorkQueue;
  enqueueAll(): void;
}

export interface RunningController {
  readonly apiPort: number;
  readonly metricsPort: number;
  readonly metrics: ControllerMetrics;
  /** Graceful stop: no new work, in-flight reconciles finish, lease released, servers closed. */
  stop(): Promise<void>;
}

function readinessOf(keys: KeyManager, reconcilers: readonly HostedReconciler[], started: () => boolean): Readiness {
  const waitingFor: string[] = [];
  if (!keys.isReady()) waitingFor.push('keys');
  if (!started() || !reconcilers.every((r) => r.watch.hasSynced())) waitingFor.push('informers');
  return { ready: waitingFor.length === 0, waitingFor };
}

/** Wires everything and starts it; resolves once the HTTP servers listen (informers sync in the background). */
export async function startController(options: ControllerOptions, logger: Logger): Promise<RunningController> {
  const { kubeConfig, source } = resolveKubeConfig(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {});
  void loadKubeConfig;
  logger.info({ kubeconfigSource: source, namespace: options.namespace, watch: options.namespaces }, 'starting');
  const metrics = createMetrics();
  const pool = new RsaWorkerPool({
    size: options.rsaWorkers,
    logger: logger.child({ component: 'rsa-worker-pool' }),
    onRsaOperations: (count) => metrics.rsaPrivateOperations.inc(count),
  });
  const reconcilers: HostedReconciler[] = [];
  const enqueueAll = (): void => reconcilers.forEach((r) => r.enqueueAll());
  let started = false;

  const leadership = createLeadership({
    enabled: options.leaderElect,
    kubeConfig,
    namespace: options.namespace,
    logger: logger.child({ component: 'leader-election' }),
    onStartedLeading: () => {
      if (!started) return;
      void keys.ensureSealingKey().then(() => keys.publish());
      enqueueAll();
    },
    onStoppedLeading: () => undefined,
  });
  const mayWrite = (): boolean => leadership.isLeader();
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
  });
  keys.onChange(() => enqueueAll());

  const writes = createKubeClusterWrites(kubeConfig, logger.child({ component: 'events' }));
  const kinds: ResourceType[] = [Resources.SealedSecret];
  if (options.bitnamiCompat) kinds.push(Resources.BitnamiSealedSecret);
  for (const resource of kinds) {
    const name = resource.apiVersion.split('/')[0] ?? resource.apiVersion;
    const log = logger.child({ reconciler: name });
    const watch = new SealedSecretWatch({ kubeConfig, resource, namespaces: options.namespaces, logger: log });
    const reconciler = new SealedSecretReconciler({
      sealedSecrets: watch.sealedSecrets,
      secrets: watch.secrets,
      writes,
      pool,
      keys: () => keys.keys,
      hmacKeyFor: keys.hmacKeyFor,
      metrics,
      logger: log,
      mayWrite,
    });
    const queue = new WorkQueue({
      process: (key) => reconciler.reconcile(key),
      concurrency: options.workers,
      logger: log,
      retry: { baseMs: 1_000, maxMs: 120_000 },
    });
    reconcilers.push({ name, watch, queue, enqueueAll: () => watch.keys().forEach((k) => queue.enqueue(k)) });
  }

  const backend = {
    sealingCertPem: () => keys.keys.sealing?.certificatePem,
    readiness: () => readinessOf(keys, reconcilers, () => started),
    verify: (body: unknown) => verifySealedSecret({ pool, keys: () => keys.keys, logger }, body),
    rotate: (body: unknown) => rotateSealedSecret({ pool, keys: () => keys.keys, logger }, body),
  };
  const servers: Listening[] = [];
  servers.push(await listen(createApiApp({ backend, logger, metrics }), options.listenAddress));
  servers.push(await listen(createMetricsApp(metrics.registry), options.metricsAddress));
  const [api, metricsServer] = servers as [Listening, Listening];
  logger.info({ apiPort: api.port, metricsPort: metricsServer.port }, 'listening');

  const gauges = setInterval(() => {
    for (const r of reconcilers) metrics.queueDepth.set({ queue: r.name }, r.queue.length + r.queue.delayed);
  }, 1_000);
  gauges.unref();
  let resync: NodeJS.Timeout | undefined;

  const run = (async () => {
    leadership.start();
    await keys.start();
    for (const r of reconcilers) await r.watch.start(r.queue);
    started = true;
    logger.info({ keys: keys.keys.keys.length, sealingKeyId: keys.keys.sealing?.held.keyId }, 'started');
    if (options.resyncPeriodMs > 0) {
      resync = setInterval(enqueueAll, options.resyncPeriodMs);
      resync.unref();
    }
  })();
  run.catch((error: unknown) => {
    logger.fatal({ error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown' }, 'start failed');
    process.exitCode = 1;
  });

  return {
    apiPort: api.port,
    metricsPort: metricsServer.port,
    metrics,
    async stop() {
      clearInterval(gauges);
      clearInterval(resync);
      await Promise.all(reconcilers.map((r) => r.watch.stop()));
      await Promise.all(reconcilers.map((r) => r.queue.shutdown()));
      await keys.stop();
      await leadership.release();
      await pool.close();
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
