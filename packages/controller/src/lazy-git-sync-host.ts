import { createApiDiscovery, safeErrorMessage, WorkQueue } from '@gitseal/kube';
import express, { type Express, type Router } from 'express';
import type { GitSyncHost, GitSyncHostOptions } from './git-sync-host.js';
import { GitSyncPresence } from './git-sync-presence.js';
import { favourSpeed } from './v8-compilers.js';
import { createWebhookRouter } from './webhook.js';

/** The GitSync reconciler as controller.ts hosts it, whether or not the sync engine is loaded yet. */
export interface LazyGitSyncHost {
  readonly name: string;
  readonly watch: {
    start(queue: WorkQueue): Promise<void>;
    hasSynced(): boolean;
    stop(): Promise<void>;
    keys(): string[];
  };
  /** The engine's queue once loaded; an empty one before. */
  readonly queue: WorkQueue;
  readonly webhook: Router;
  enqueueAll(): void;
  release(key: string): void;
  stop(): void;
  /** Resolves with the engine's host once it is loaded and its informers have started; starts loading now. */
  load(): Promise<GitSyncHost>;
  readonly loaded: boolean;
}

export interface LazyGitSyncHostOptions extends GitSyncHostOptions {
  /** Loads git-sync-host.js (and with it @gitseal/sync); a test may count the calls. */
  readonly importHost?: () => Promise<typeof import('./git-sync-host.js')>;
  /** How often to ask whether the GitSync CRD is served while it is not; default 10 s. */
  readonly servedRecheckMs?: number;
}

/**
 * Hosts the GitSync reconciler without loading the sync engine (@gitseal/sync, its informers, the render pool)
 * until the first GitSync exists: a controller used only for SealedSecrets pays nothing for it, not even V8's
 * optimizing compiler (v8-compilers.ts), which loading turns on. Until then a
 * presence watch keeps GitSync names only (git-sync-presence.ts), and the push webhook answers as for an unknown
 * GitSync (401, the same as always). Once loaded, everything is the engine's own host (git-sync-host.ts).
 */
export function createLazyGitSyncHost(o: LazyGitSyncHostOptions): LazyGitSyncHost {
  const log = o.logger.child({ reconciler: 'gitsync' });
  const idleQueue = new WorkQueue({ process: () => Promise.resolve(), logger: log });
  const importHost = o.importHost ?? (() => import('./git-sync-host.js'));
  let host: GitSyncHost | undefined;
  let loading: Promise<GitSyncHost> | undefined;
  let stopped = false;
  const discovery = createApiDiscovery(o.kubeConfig);
  const presence = new GitSyncPresence({
    kubeConfig: o.kubeConfig,
    namespaces: o.options.namespaces,
    served: async () => (await discovery.resource('gitseal.dev/v1alpha1', 'GitSync')) !== undefined,
    ...(o.servedRecheckMs === undefined ? {} : { recheckMs: o.servedRecheckMs }),
    onFirst: () =>
      void load().catch((error: unknown) =>
        log.error({ error: safeErrorMessage(error, 'load the sync engine') }, 'sync engine not started'),
      ),
    logger: log.child({ component: 'gitsync-presence' }),
  });

  const load = (): Promise<GitSyncHost> => {
    loading ??= (async () => {
      const started = Date.now();
      favourSpeed();
      const { createGitSyncHost } = await importHost();
      const created = createGitSyncHost(o);
      if (stopped) {
        created.stop();
        throw new Error('the controller is stopping');
      }
      host = created;
      log.info({ loadMs: Date.now() - started }, 'first GitSync seen: sync engine loaded');
      await created.watch.start(created.queue);
      return created;
    })();
    return loading;
  };

  const webhook = createWebhookRouter({
    logger: log,
    backend: {
      webhookSecret: (namespace, name) => host?.webhook.webhookSecret(namespace, name),
      refused: (namespace, name) => host?.webhook.refused?.(namespace, name),
      trigger: (namespace, name) => host?.webhook.trigger(namespace, name),
    },
  });

  return {
    name: 'gitsync',
    watch: {
      start: () => presence.start(),
      // Ready once the presence watch listed: the engine's caches are new when it loads, nothing was served from them.
      hasSynced: () => presence.hasSynced(),
      async stop() {
        stopped = true;
        await presence.stop();
        await host?.watch.stop();
      },
      keys: () => host?.watch.keys() ?? [],
    },
    get queue() {
      return host?.queue ?? idleQueue;
    },
    webhook,
    enqueueAll: () => host?.enqueueAll(),
    release: (key) => host?.release(key),
    stop: () => host?.stop(),
    load,
    get loaded() {
      return host !== undefined;
    },
  };
}

/** The API app with the webhook routes in front of it (its 404 handler would otherwise answer first). */
export function withWebhook(api: Express, webhook: Router | undefined): Express {
  if (!webhook) return api;
  const app = express();
  app.disable('x-powered-by');
  app.use(webhook);
  app.use(api);
  return app;
}
