import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Response } from 'express';
import { findDuplicateJsonKey, loadDocuments } from '@gitseal/manifests';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { DEFAULT_API_LIMITS, type ApiLimits } from './api-limits.js';
import { ApiRateLimiter, type Admission } from './api-rate-limiter.js';
import { clientKey } from './client-key.js';
import { ControllerError, ControllerErrorCode } from './controller-error.js';
import type { ControllerMetrics } from './metrics.js';
import { sealedSecretCost, type ApiCost } from './sealed-secret-cost.js';

export type { ApiCost } from './sealed-secret-cost.js';

/** Error tokens in JSON bodies `{error, message}`. */
export const ApiError = {
  NotFound: 'NotFound',
  NoSealingKey: 'NoSealingKey',
  NotReady: 'NotReady',
  PayloadTooLarge: 'PayloadTooLarge',
  TooManyItems: 'TooManyItems',
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
  /** RSA private operations the answer cost; what exceeds the items charged up front is charged afterwards. */
  readonly rsaOperations?: number;
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
  /** Largest accepted POST body; default 1 MiB (it also bounds a request's ciphertext bytes). */
  readonly bodyLimitBytes?: number;
  /**
   * Items per request, rate limits in RSA operations per endpoint (per client and global), requests in flight;
   * default DEFAULT_API_LIMITS (api-limits.ts, documented in docs/security.md).
   */
  readonly limits?: ApiLimits;
  /** How a body is costed; default sealedSecretCost (one RSA operation per item of `spec.encryptedData`). */
  readonly cost?: (body: unknown) => ApiCost;
  /** For tests: the rate limiters' clock. */
  readonly now?: () => number;
}

export function sendError(res: Response, status: number, error: ApiError, message: string): void {
  res.status(status).json({ error, message });
}

/** 413 TooManyItems when a request holds more items than one request may; undefined otherwise. */
export function tooManyItems(cost: ApiCost, maxItems: number): ApiReply | undefined {
  if (cost.operations <= maxItems) return undefined;
  const message = `${cost.subject}: ${cost.operations} items, at most ${maxItems} per request`;
  return { status: 413, body: { error: ApiError.TooManyItems, message } };
}

function refuse(res: Response, admission: Extract<Admission, { ok: false }>): void {
  res.setHeader('Retry-After', String(admission.retryAfterSeconds));
  const whose = admission.by === 'client' ? 'this client' : 'all clients';
  sendError(res, 429, ApiError.RateLimited, `RSA operation rate limit of ${whose} reached; retry later`);
}

/** Requests admitted and not answered yet, in total and per client. */
class InFlight {
  #total = 0;
  readonly #byClient = new Map<string, number>();
  constructor(readonly limits: ApiLimits) {}

  /** Counts the request in until its response closes; false when a limit is reached. */
  enter(client: string, res: Response): boolean {
    const own = this.#byClient.get(client) ?? 0;
    if (this.#total >= this.limits.maxInFlight || own >= this.limits.maxInFlightPerClient) return false;
    this.#total++;
    this.#byClient.set(client, own + 1);
    // 'close' fires once for every response, answered or aborted.
    res.once('close', () => {
      this.#total--;
      const left = (this.#byClient.get(client) ?? 1) - 1;
      if (left <= 0) this.#byClient.delete(client);
      else this.#byClient.set(client, left);
    });
    return true;
  }
}

interface Admitted {
  readonly client: string;
  /** Tokens paid before the body was read. */
  readonly paid: number;
}

/** Body bytes one token pays for reading and parsing (JSON.parse of 64 KiB is under a millisecond). */
export const BYTES_PER_TOKEN = 64 * 1024;

/**
 * Before the body is read: the request counts in flight (bounding the bodies held and the API tasks queued)
 * and its client pays for its bytes, one token per 64 KiB started (Content-Length, else the body limit), so
 * refused, oversized or unparsable requests cost their sender too, before any parsing.
 */
function admit(limiter: ApiRateLimiter, inFlight: InFlight, limitBytes: number, maxCost: number): RequestHandler {
  return (req, res, next) => {
    // The peer address only: a forwarded header would let every request claim a fresh client.
    const client = clientKey(req.socket.remoteAddress);
    if (!inFlight.enter(client, res)) {
      res.setHeader('Retry-After', '1');
      sendError(res, 429, ApiError.RateLimited, 'too many requests in flight; retry later');
      return;
    }
    const declared = Number(req.headers['content-length']);
    const bytes = Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, limitBytes) : limitBytes;
    const paid = Math.min(maxCost, Math.max(1, Math.ceil(bytes / BYTES_PER_TOKEN)));
    // From the client's bucket only: the global one is charged with the whole cost once the body is known.
    const admission = limiter.take(client, paid, 0);
    if (!admission.ok) {
      refuse(res, admission);
      return;
    }
    (res.locals as { admitted?: Admitted }).admitted = { client, paid };
    next();
  };
}

/**
 * JSON bodies go through express.json. Anything else (kubeseal posts the SealedSecret file as it is: JSON or YAML,
 * with no JSON content type) is read raw up to the same limit and parsed as one JSON or YAML document, with the
 * manifest reader's size, alias and depth caps.
 */
function readBody(limit: number): RequestHandler[] {
  // The raw JSON is kept for the duplicate-key check: JSON.parse lets the last of two equal keys win silently.
  const json = express.json({
    limit,
    strict: true,
    type: 'application/json',
    verify: (req, _res, buf) => {
      (req as { rawJson?: Buffer }).rawJson = buf;
    },
  });
  const refuseDuplicateKeys: RequestHandler = (req, res, next) => {
    const rawJson = (req as { rawJson?: Buffer }).rawJson;
    const duplicate = rawJson ? findDuplicateJsonKey(rawJson.toString('utf8')) : undefined;
    if (duplicate) {
      sendError(
        res,
        400,
        ApiError.InvalidJson,
        `request body: duplicate key at line ${duplicate.line}, column ${duplicate.column}`,
      );
      return;
    }
    next();
  };
  const raw = express.raw({ limit, type: () => true });
  const parseRaw: RequestHandler = (req, res, next) => {
    if (req.is('application/json')) {
      next();
      return;
    }
    const bytes = req.body as unknown;
    const text = Buffer.isBuffer(bytes) ? bytes.toString('utf8') : '';
    let documents: unknown[];
    try {
      documents = loadDocuments(text, { source: 'request body', maxBytes: limit }).filter((d) => d !== null);
    } catch {
      sendError(res, 400, ApiError.InvalidJson, 'request body is not valid JSON or YAML');
      return;
    }
    if (documents.length !== 1) {
      sendError(res, 400, ApiError.InvalidSealedSecret, 'send exactly one SealedSecret');
      return;
    }
    req.body = documents[0];
    next();
  };
  const rawUnlessJson: RequestHandler = (req, res, next) => {
    if (req.is('application/json')) next();
    else void raw(req, res, next);
  };
  return [json, refuseDuplicateKeys, rawUnlessJson, parseRaw];
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
  const limits = options.limits ?? DEFAULT_API_LIMITS;
  const costOf = options.cost ?? sealedSecretCost;
  if (limits.perClient.burst < limits.maxItemsPerRequest || limits.global.burst < limits.maxItemsPerRequest) {
    // A request at the item cap could never be granted.
    throw new ControllerError(
      ControllerErrorCode.InvalidFlag,
      `API limits: each rate-limit burst must be at least the ${limits.maxItemsPerRequest} items per request`,
    );
  }
  const inFlight = new InFlight(limits);
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
    // Per endpoint: its own buckets per client, and its own global bucket.
    const limiter = new ApiRateLimiter({
      perClient: limits.perClient,
      global: limits.global,
      maxClients: limits.maxClients,
      ...(options.now ? { now: options.now } : {}),
    });
    app.post(path, admit(limiter, inFlight, limit, limits.maxItemsPerRequest), ...readBody(limit), async (req, res) => {
      const body = req.body as unknown;
      const { client, paid } = (res.locals as { admitted: Admitted }).admitted;
      const cost = costOf(body);
      const capped = tooManyItems(cost, limits.maxItemsPerRequest);
      if (capped) {
        res.status(capped.status).json(capped.body);
        return;
      }
      // The client paid the body's bytes on admission and now pays the rest of the items; the global bucket
      // pays the whole cost. Both or neither.
      const upFront = Math.max(paid, cost.operations);
      const admission = limiter.take(client, upFront - paid, upFront);
      if (!admission.ok) {
        // When to come back with the whole request (its bytes are paid again then).
        const whole = limiter.check(client, upFront, upFront);
        refuse(res, whole.ok ? admission : whole);
        return;
      }
      const reply = await handle(body);
      // v1 items may have cost one operation per key tried: the excess is owed.
      limiter.charge(client, (reply.rsaOperations ?? 0) - upFront);
      res.status(reply.status).json(reply.body);
    });
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
/**
 * The metrics port: `/metrics`, and with --shards auto `/debug/shards` (this replica's view and the objects it owns,
 * by `namespace/name` only: the same names the per-object metrics carry, nothing from any spec or status).
 */
export function createMetricsApp(registry: Registry, shards?: () => unknown): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  if (shards) app.get('/debug/shards', (_req, res) => void res.json(shards()));
  app.use((_req, res) => sendError(res, 404, ApiError.NotFound, 'no such endpoint'));
  return app;
}
