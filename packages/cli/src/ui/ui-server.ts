import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createApiDiscovery } from '@gitseal/kube';
import {
  isValidNamespace,
  isValidObjectName,
  type UiActionResult,
  type UiError,
  type UiSession,
} from '@gitseal/manifests';
import { CliError, ExitCode } from '../cli-error.js';
import { requestSync, setSuspended, waitHandled } from '../commands/sync-request.js';
import type { KubeConfig } from '../kube-session.js';
import { canI } from './access-review.js';
import { createDetailReader, type DetailReader } from './git-sync-detail.js';
import { createGitSyncFeed, type GitSyncFeed } from './git-sync-feed.js';
import { allowedHosts, isAllowedHost, isAllowedOrigin } from './host-check.js';
import { SECURITY_HEADERS } from './security-headers.js';
import { readKeys, readSealingCert, type KeysSource } from './keys-reader.js';
import { createObjectDiffReader, type ObjectDiffReader, type ObjectRefQuery } from './object-diff-reader.js';
import { createSealedSecretFeed, type SealedSecretFeed } from './sealed-secret-feed.js';
import { openEventStream } from './sse.js';
import { sameToken, UiAuth, type UiSessionRecord } from './ui-auth.js';

export interface UiServerOptions {
  readonly kc: KubeConfig;
  /** The kubeconfig context's namespace: where GitSyncs are listed when all namespaces are forbidden. */
  readonly namespace: string;
  readonly host: string;
  /** 0: a free port. */
  readonly port: number;
  /** The built front end (index.html and assets/). */
  readonly assetsDir: string;
  /** Who the UI acts as (names only, never credentials). */
  readonly identity: Omit<UiSession, 'csrfToken'>;
  /** How often an open GitSync page re-reads its objects; default 2 s. */
  readonly detailPollMs?: number | undefined;
  /** How long Sync now waits for the controller; default 2 min. */
  readonly syncTimeoutMs?: number | undefined;
  /** The controller (its ConfigMap gitseal-certs and /v1/cert.pem) and its key renewal period. */
  readonly keys: Omit<KeysSource, 'kc'>;
  /** How often an open Keys page re-reads the ConfigMap; default 10 s. */
  readonly keysPollMs?: number | undefined;
}

export interface RunningUiServer {
  /** `http://127.0.0.1:PORT/`. */
  readonly url: string;
  /** The URL with the one-time login token. */
  readonly loginUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

type Handler = (req: Request, res: Response) => Promise<void>;

const error = (res: Response, status: number, code: string, message: string): void => {
  res.status(status).json({ error: code, message } satisfies UiError);
};

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** The namespace and name of a GitSync route, checked as Kubernetes names (undefined: answer 400). */
function target(req: Request): { namespace: string; name: string } | undefined {
  const { namespace, name } = req.params as { namespace?: string; name?: string };
  if (namespace === undefined || name === undefined) return undefined;
  return isValidNamespace(namespace) && isValidObjectName(name) ? { namespace, name } : undefined;
}

/** A CliError's status: not found 404, forbidden 403, anything else from the API server 502. */
function statusOf(err: CliError): number {
  if (/: not found$/.test(err.message)) return 404;
  if (/\(403\)/.test(err.message)) return 403;
  return err.exitCode === ExitCode.User ? 400 : 502;
}

const KIND = /^[A-Za-z][A-Za-z0-9]{0,62}$/;
const API_VERSION = /^(?:[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/;

/** The object of a per-object diff from the query (`apiVersion`, `kind`, `namespace`, `name`), checked. */
function objectQuery(req: Request): ObjectRefQuery | undefined {
  const q = req.query as Record<string, unknown>;
  const { apiVersion, kind, namespace, name } = q;
  if (typeof apiVersion !== 'string' || !API_VERSION.test(apiVersion)) return undefined;
  if (typeof kind !== 'string' || !KIND.test(kind)) return undefined;
  if (typeof name !== 'string' || !isValidObjectName(name)) return undefined;
  if (namespace !== undefined && (typeof namespace !== 'string' || !isValidNamespace(namespace))) return undefined;
  return { apiVersion, kind, name, ...(namespace === undefined ? {} : { namespace }) };
}

function messageOf(err: unknown): string {
  return err instanceof CliError ? err.message : 'the request failed unexpectedly';
}

/**
 * `gitseal ui`'s server: the built front end and a small JSON/SSE API over the user's own kubeconfig. Every answer
 * carries a strict CSP; a wrong Host header gets 421 (DNS rebinding); only a session made from the one-time login
 * token gets anything but the login exchange (401); every state-changing request needs the session's CSRF token in
 * X-CSRF-Token and, when sent, a same-origin Origin (403).
 */
export async function startUiServer(options: UiServerOptions): Promise<RunningUiServer> {
  const server = createServer();
  const port = await listen(server, options.host, options.port);
  const hosts = allowedHosts(options.host, port);
  const auth = new UiAuth(`gitseal-ui-${port}`);
  const feed = createGitSyncFeed(options.kc, options.namespace);
  const reader = createDetailReader(options.kc, createApiDiscovery(options.kc));
  const sealedSecrets = createSealedSecretFeed(options.kc, options.namespace);
  const diffs = createObjectDiffReader(options.kc);
  server.on('request', createApp(options, { hosts, auth, feed, reader, sealedSecrets, diffs }));
  void feed.start();
  const bracketed = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${bracketed}:${port}/`;
  return {
    url,
    loginUrl: `${url}?token=${auth.loginToken}`,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([closed, feed.stop(), sealedSecrets.stop(), diffs.close()]);
    },
  };
}

interface Parts {
  readonly hosts: ReadonlySet<string>;
  readonly auth: UiAuth;
  readonly feed: GitSyncFeed;
  readonly reader: DetailReader;
  readonly sealedSecrets: SealedSecretFeed;
  readonly diffs: ObjectDiffReader;
}

function createApp(options: UiServerOptions, parts: Parts): express.Express {
  const { hosts, auth } = parts;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    res.set(SECURITY_HEADERS);
    if (!isAllowedHost(req.headers.host, hosts)) {
      res.status(421).type('text/plain').send('gitseal ui: wrong Host header; open the address gitseal ui printed\n');
      return;
    }
    next();
  });
  app.get('/', (req, res, next) => {
    if (req.query['token'] === undefined) return next();
    const session = auth.exchange(typeof req.query['token'] === 'string' ? req.query['token'] : undefined);
    res.setHeader('Cache-Control', 'no-store');
    if (session === undefined) {
      res
        .status(401)
        .type('text/plain')
        .send('gitseal ui: this login link is wrong or was already used; restart gitseal ui for a new one\n');
      return;
    }
    res.setHeader('Set-Cookie', auth.cookie(session));
    res.redirect(303, '/');
  });
  app.use((req, res, next) => {
    const session = auth.sessionOf(req.headers.cookie);
    if (session === undefined) {
      res.setHeader('Cache-Control', 'no-store');
      if (req.path.startsWith('/api/'))
        error(res, 401, 'Unauthorized', 'no session: open the login URL gitseal ui printed');
      else
        res.status(401).type('text/plain').send('gitseal ui: not logged in; open the login URL gitseal ui printed\n');
      return;
    }
    res.locals['session'] = session;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const csrf = req.headers['x-csrf-token'];
      const origin = req.headers.origin;
      if (!sameToken(typeof csrf === 'string' ? csrf : undefined, session.csrfToken)) {
        error(res, 403, 'CsrfTokenMissing', 'this request needs the X-CSRF-Token header of the session');
        return;
      }
      if (!isAllowedOrigin(origin, hosts)) {
        error(res, 403, 'CrossOrigin', 'requests from another origin are refused');
        return;
      }
    }
    next();
  });
  app.use('/api', apiRouter(options, parts));
  app.get('/', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(join(options.assetsDir, 'index.html'));
  });
  app.use(
    '/assets',
    express.static(join(options.assetsDir, 'assets'), {
      index: false,
      immutable: true,
      maxAge: '365d',
      fallthrough: true,
    }),
  );
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('gitseal ui: not found\n');
  });
  app.use((_err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    error(res, 500, 'InternalError', 'the request failed unexpectedly');
  });
  return app;
}

function apiRouter(options: UiServerOptions, parts: Parts): express.Router {
  const { kc } = options;
  const router = express.Router();
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  const route =
    (handler: Handler) =>
    (req: Request, res: Response): void => {
      handler(req, res).catch((err: unknown) => {
        if (res.headersSent) return;
        error(res, err instanceof CliError ? statusOf(err) : 500, 'RequestFailed', messageOf(err));
      });
    };

  router.get('/session', (_req, res) => {
    const session = res.locals['session'] as UiSessionRecord;
    res.json({ csrfToken: session.csrfToken, ...options.identity } satisfies UiSession);
  });

  router.get(
    '/gitsyncs/stream',
    route(async (_req, res) => {
      const stream = openEventStream(res);
      const unsubscribe = await parts.feed.subscribe((message) => stream.send(message));
      await stream.closed;
      unsubscribe();
    }),
  );

  router.get(
    '/gitsyncs/:namespace/:name',
    route(async (req, res) => {
      const where = target(req);
      if (where === undefined) return error(res, 400, 'BadRequest', 'not a valid namespace and name');
      res.json(await parts.reader.read(where.namespace, where.name));
    }),
  );

  router.get(
    '/gitsyncs/:namespace/:name/diff',
    route(async (req, res) => {
      const where = target(req);
      const ref = objectQuery(req);
      if (where === undefined || ref === undefined) {
        return error(res, 400, 'BadRequest', 'not a valid GitSync, or object (apiVersion, kind, namespace, name)');
      }
      res.json(await parts.diffs.read(where.namespace, where.name, ref));
    }),
  );

  router.get(
    '/sealedsecrets/stream',
    route(async (_req, res) => {
      const stream = openEventStream(res);
      const unsubscribe = await parts.sealedSecrets.subscribe((message) => stream.send(message));
      await stream.closed;
      unsubscribe();
    }),
  );

  const keysSource: KeysSource = { kc, ...options.keys };
  router.get(
    '/keys/stream',
    route(async (_req, res) => {
      const stream = openEventStream(res);
      let last = '';
      let timer: NodeJS.Timeout | undefined;
      const refresh = async (): Promise<void> => {
        const keys = await readKeys(keysSource, parts.sealedSecrets);
        const json = JSON.stringify(keys);
        if (json !== last) stream.send(keys);
        last = json;
      };
      // Counts follow the SealedSecrets watch (coalesced); the ConfigMap is read again every keysPollMs.
      const soon = (): void => {
        timer ??= setTimeout(() => {
          timer = undefined;
          void refresh();
        }, 300);
      };
      const off = parts.sealedSecrets.onChange(soon);
      const poll = setInterval(soon, options.keysPollMs ?? 10_000);
      await refresh();
      await stream.closed;
      off();
      clearInterval(poll);
      clearTimeout(timer);
    }),
  );

  router.get(
    '/cert',
    route(async (_req, res) => {
      res.json(await readSealingCert(keysSource));
    }),
  );

  router.get(
    '/gitsyncs/:namespace/:name/stream',
    route(async (req, res) => {
      const where = target(req);
      if (where === undefined) return error(res, 400, 'BadRequest', 'not a valid namespace and name');
      const stream = openEventStream(res);
      let running = false;
      let again = false;
      let last = '';
      const refresh = async (): Promise<void> => {
        if (running) {
          again = true;
          return;
        }
        running = true;
        do {
          again = false;
          try {
            const detail = await parts.reader.read(where.namespace, where.name);
            const json = JSON.stringify({ ...detail, readAt: '' });
            if (json !== last) stream.send({ type: 'detail', detail });
            last = json;
          } catch (err) {
            const gone = err instanceof CliError && statusOf(err) === 404;
            last = '';
            stream.send({ type: gone ? 'gone' : 'problem', message: messageOf(err) });
          }
        } while (again && !stream.isClosed());
        running = false;
      };
      const timer = setInterval(() => void refresh(), options.detailPollMs ?? 2_000);
      const key = `${where.namespace}/${where.name}`;
      const off = parts.feed.onChange((changed) => {
        if (changed === key) void refresh();
      });
      void refresh();
      await stream.closed;
      clearInterval(timer);
      off();
    }),
  );

  const action = (verb: 'sync' | 'suspend' | 'resume', act: (ns: string, name: string) => Promise<UiActionResult>) =>
    route(async (req, res) => {
      const where = target(req);
      if (where === undefined) return error(res, 400, 'BadRequest', 'not a valid namespace and name');
      const { namespace, name } = where;
      const allowed = await canI(kc, { verb: 'patch', group: 'gitseal.dev', resource: 'gitsyncs', namespace, name });
      if (!allowed) {
        return error(
          res,
          403,
          'Forbidden',
          `You may not ${verb} GitSync ${namespace}/${name}: your RBAC does not allow patch on gitsyncs.gitseal.dev in namespace ${namespace}.`,
        );
      }
      res.json(await act(namespace, name));
    });

  router.post(
    '/gitsyncs/:namespace/:name/sync',
    action('sync', async (namespace, name) => {
      const requestedAt = new Date().toISOString();
      const stored = await requestSync(kc, namespace, name, requestedAt);
      if (stored.spec?.['suspend'] === true) {
        return {
          ok: false,
          message: `GitSync ${namespace}/${name} is suspended: nothing is synced until it is resumed`,
        };
      }
      const handled = await waitHandled(kc, namespace, name, requestedAt, options.syncTimeoutMs ?? 120_000);
      return { ok: handled.ready, message: `Sync handled: ${handled.summary}` };
    }),
  );
  for (const [verb, suspend] of [
    ['suspend', true],
    ['resume', false],
  ] as const) {
    router.post(
      `/gitsyncs/:namespace/:name/${verb}`,
      action(verb, async (namespace, name) => {
        await setSuspended(kc, namespace, name, suspend);
        return { ok: true, message: `GitSync ${namespace}/${name} ${suspend ? 'suspended' : 'resumed'}` };
      }),
    );
  }
  router.use((_req, res) => error(res, 404, 'NotFound', 'no such API'));
  return router;
}
