import { randomBytes } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import { createTokenBucket, type TokenBucket } from './token-bucket.js';
import { verifyWebhookSignature } from './webhook-signature.js';

export interface WebhookBackend {
  /**
   * The HMAC key of the GitSync's `spec.webhookSecretRef` (key `token`); undefined when the GitSync is unknown or
   * has none. From memory, never from I/O made only for known GitSyncs: how long this takes must not depend on
   * whether the GitSync exists (see webhook-secrets.ts).
   */
  webhookSecret(namespace: string, name: string): Buffer | undefined;
  /** Told after a refusal was answered: the backend may re-read that GitSync's secret (a rotated token). */
  refused?(namespace: string, name: string): void;
  /** Syncs the GitSync now. */
  trigger(namespace: string, name: string): void;
}

export interface WebhookOptions {
  readonly backend: WebhookBackend;
  readonly logger: Logger;
  /** Default 1 MiB (GitHub push payloads stay well below). */
  readonly bodyLimitBytes?: number;
  /** Requests per second over all GitSyncs (burst, refill); default 20 and 10/s. */
  readonly rateLimit?: { readonly burst: number; readonly perSecond: number };
}

const unauthorized = { error: 'Unauthorized', message: 'missing or invalid X-Hub-Signature-256' };

function limited(bucket: TokenBucket): RequestHandler {
  return (_req, res, next) => {
    if (bucket.take()) return next();
    res.setHeader('Retry-After', '1');
    res.status(429).json({ error: 'RateLimited', message: 'too many requests; retry later' });
  };
}

/**
 * `POST /hooks/:namespace/:name`: a Git push webhook. The raw body must carry GitHub's `X-Hub-Signature-256`
 * (HMAC-SHA256 with the GitSync's webhook secret, compared in constant time): then 202 and an immediate sync;
 * otherwise 401 and nothing happens. An unknown GitSync or one without a webhook secret answers the same, in the
 * same time: the secret comes from memory, and without one the body is checked against a random key of this
 * process, so the same HMAC work is done either way.
 */
export function createWebhookRouter(options: WebhookOptions): Router {
  const router = express.Router();
  // Never a valid key: nobody knows it, and a match against it is refused anyway.
  const standIn = randomBytes(32);
  const { burst, perSecond } = options.rateLimit ?? { burst: 20, perSecond: 10 };
  router.post(
    '/hooks/:namespace/:name',
    limited(createTokenBucket(burst, perSecond)),
    express.raw({ type: () => true, limit: options.bodyLimitBytes ?? 1024 * 1024 }),
    (req, res) => {
      const { namespace, name } = req.params as { namespace: string; name: string };
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const header = req.get('x-hub-signature-256');
      const secret = options.backend.webhookSecret(namespace, name);
      const known = secret !== undefined && secret.length > 0;
      const signed = verifyWebhookSignature(known ? secret : standIn, body, header);
      if (!known || !signed) {
        options.logger.warn({ gitSync: `${namespace}/${name}` }, 'webhook refused');
        res.status(401).json(unauthorized);
        options.backend.refused?.(namespace, name);
        return;
      }
      options.backend.trigger(namespace, name);
      options.logger.info({ gitSync: `${namespace}/${name}` }, 'webhook accepted');
      res.status(202).json({ accepted: true });
    },
  );
  router.use('/hooks', ((error: { type?: string }, _req, res, next) => {
    if (error.type === 'entity.too.large')
      res.status(413).json({ error: 'PayloadTooLarge', message: 'body too large' });
    else if (error.type !== undefined) res.status(400).json({ error: 'BadRequest', message: 'body could not be read' });
    else next(error);
  }) as express.ErrorRequestHandler);
  return router;
}
