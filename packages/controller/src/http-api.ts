import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ControllerMetrics } from './metrics.js';
import { createTokenBucket } from './token-bucket.js';

/** Error tokens in JSON bodies `{error, message}`. */
export const ApiError = {
  NotFound: 'NotFound',
  NoSealingKey: 'NoSealingKey',
  NotReady: 'NotReady',
  PayloadTooLarge: 'PayloadTooLarge',
  InvalidJson: 'InvalidJson',
  UnsupportedMediaType: 'UnsupportedMediaType',
  InvalidSealedSecret: 'InvalidSealedSecret',
  SealedSecretUndecryptable: 'SealedSecretUndecryptable',
  RateLimited: 'RateLimited',
  Internal: 'InternalError',
} as const;
export type ApiError = (typeof ApiError)[keyof typeof ApiError];

/** What a POST handler answers; `body` is sent as JSON. Never plaintext. */
export interface ApiReply {
  readonly status: number;
  readonly body: unknown;
}

export interface Readiness {
  readonly ready: boolean;
  /** Short tokens such as `informers`, `keys`; no details. */
  readonly waitingFor: readonly string[];
}

export interface ApiBackend {
  sealingCertPem(): string | undefined;
  readiness(): Readiness;
  verify(body: unknown): Promise<ApiReply>;
  rotate(body: unknown): Promise<ApiReply>;
}

export interface ApiOptions {
  readonly backend: ApiBackend;
  readonly logger: Logger;
  readonly metrics: ControllerMetrics;
  /** Largest accepted POST body; default 1 MiB. */
  readonly bodyLimitBytes?: number;
  /** Token bucket per POST route: burst and refill per second. */
  readonly rateLimit?: { readonly burst: number; readonly perSecond: number };
}

export function sendError(res: Response, status: number, error: ApiError, message: string): void {
  res.status(status).json({ error, message });
}

function rateLimited(burst: number, perSecond: number): RequestHandler {
  const bucket = createTokenBucket(burst, perSecond);
  return (_req, res, next) => {
    if (bucket.take()) {
      next();
      return;
    }
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(1 / perSecond))));
    sendError(res, 429, ApiError.RateLimited, 'too many requests; retry later');
  };
}

function requireJson(): RequestHandler {
  return (req, res, next) => {
    if (!req.is('application/json')) {
      sendError(res, 415, ApiError.UnsupportedMediaType, 'send the SealedSecret as application/json');
      return;
    }
    next();
  };
}

/** Maps body-parser errors to fixed messages: their own messages can quote the request body. */
const bodyErrors: ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, next) => {
  if (error.type === 'entity.too.large') {
    sendError(res, 413, ApiError.PayloadTooLarge, 'request body is larger than the limit');
  } else if (error.type === 'entity.parse.failed') {
    sendError(res, 400, ApiError.InvalidJson, 'request body is not valid JSON');
  } else if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
    sendError(res, error.status, ApiError.InvalidJson, 'request body could not be read');
  } else {
    next(error);
  }
};

function countRequests(metrics: ControllerMetrics): RequestHandler {
  return (req, res, next) => {
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      metrics.httpRequests.inc({ route, code: String(res.statusCode) });
    });
    next();
  };
}

/** The API and probe server: `/v1/cert.pem`, `/v1/verify`, `/v1/rotate`, `/healthz`, `/readyz`. */
export function createApiApp(options: ApiOptions): Express {
  const { backend, logger, metrics } = options;
  const limit = options.bodyLimitBytes ?? 1024 * 1024;
  const { burst, perSecond } = options.rateLimit ?? { burst: 20, perSecond: 10 };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(countRequests(metrics));

  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });
  app.get('/readyz', (_req, res) => {
    const { ready, waitingFor } = backend.readiness();
    if (ready) res.type('text/plain').send('ok');
    else sendError(res, 503, ApiError.NotReady, `waiting for ${waitingFor.join(', ')}`);
  });
  app.get('/v1/cert.pem', (_req, res) => {
    const pem = backend.sealingCertPem();
    if (pem === undefined) {
      sendError(res, 503, ApiError.NoSealingKey, 'no active sealing key yet');
      return;
    }
    res.type('application/x-pem-file').setHeader('Cache-Control', 'no-cache').send(pem);
  });

  const post = (path: string, handle: (body: unknown) => Promise<ApiReply>): void => {
    app.post(
      path,
      rateLimited(burst, perSecond),
      requireJson(),
      express.json({ limit, strict: true, type: 'application/json' }),
      async (req, res) => {
        const reply = await handle(req.body as unknown);
        res.status(reply.status).json(reply.body);
      },
    );
  };
  post('/v1/verify', (body) => backend.verify(body));
  post('/v1/rotate', (body) => backend.rotate(body));

  app.use((_req, res) => sendError(res, 404, ApiError.NotFound, 'no such endpoint'));
  app.use(bodyErrors);
  const internal: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    logger.error({ route: req.path, err: { name: error instanceof Error ? error.name : 'unknown' } }, 'api error');
    sendError(res, 500, ApiError.Internal, 'internal error');
  };
  app.use(internal);
  return app;
}

/** The metrics server: `GET /metrics` only. */
export function createMetricsApp(registry: Registry): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  app.use((_req, res) => sendError(res, 404, ApiError.NotFound, 'no such endpoint'));
  return app;
}
