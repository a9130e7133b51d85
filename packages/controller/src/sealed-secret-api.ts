import type { Logger } from 'pino';
import { DEFAULT_API_LIMITS } from './api-limits.js';
import { ControllerError, ControllerErrorCode } from './controller-error.js';
import { ApiError, tooManyItems, type ApiReply } from './http-api.js';
import type { KeySet } from './key-set.js';
import { readSealedSecret } from './plan-sealed-secret.js';
import { RsaPriority, type RsaWorkerPool } from './rsa-worker-pool.js';
import { sealedSecretCost } from './sealed-secret-cost.js';

export interface SealedSecretApiOptions {
  readonly pool: RsaWorkerPool;
  readonly keys: () => KeySet;
  readonly logger: Logger;
  /** Items one request may hold; default DEFAULT_API_LIMITS.maxItemsPerRequest (64). */
  readonly maxItems?: number;
}

function invalid(error: unknown): ApiReply {
  const message = error instanceof ControllerError ? error.message : 'not a valid SealedSecret';
  return { status: 400, body: { error: ApiError.InvalidSealedSecret, message } };
}

function withNamespace(body: unknown): unknown {
  // A SealedSecret posted without a namespace cannot name its strict scope: refuse rather than guess.
  const meta = (body as { metadata?: { namespace?: unknown } } | null)?.metadata;
  if (typeof meta?.namespace !== 'string' || meta.namespace === '') {
    throw new ControllerError(ControllerErrorCode.InvalidSealedSecret, 'SealedSecret: metadata.namespace is required');
  }
  return body;
}

/** POST /v1/verify: 200 when every item opens here, 409 otherwise. Answers never hold plaintext. */
export async function verifySealedSecret(options: SealedSecretApiOptions, body: unknown): Promise<ApiReply> {
  // The HTTP layer checks this before it even charges the rate limit; here it holds for any caller.
  const capped = tooManyItems(sealedSecretCost(body), options.maxItems ?? DEFAULT_API_LIMITS.maxItemsPerRequest);
  if (capped) return capped;
  let read;
  try {
    read = readSealedSecret(withNamespace(body));
  } catch (error) {
    return invalid(error);
  }
  if (Object.keys(read.sealedSecret.spec.encryptedData).length === 0) {
    // No items (kubeseal --allow-empty-data): nothing that could fail to open, as Bitnami's controller answers.
    return { status: 200, body: { decryptable: true, object: read.object, items: [], keyFingerprints: [] } };
  }
  const outcome = await options.pool.unseal(
    { object: read.object, scopeLabel: read.scopeLabel, encryptedData: read.sealedSecret.spec.encryptedData },
    { discardData: true, priority: RsaPriority.Api },
  );
  const { rsaOperations } = outcome;
  if (!outcome.ok) {
    return {
      status: 409,
      body: { error: ApiError.SealedSecretUndecryptable, message: outcome.message },
      rsaOperations,
    };
  }
  const keys = options.keys();
  return {
    status: 200,
    rsaOperations,
    body: {
      decryptable: true,
      object: read.object,
      items: Object.keys(outcome.data).sort(),
      keyFingerprints: outcome.keyIds.map((id) => keys.byId.get(id)?.held.fingerprint ?? id),
    },
  };
}

/**
 * POST /v1/rotate: the same SealedSecret re-encrypted to the newest sealing key, under the scope its own metadata
 * gives (never widened); metadata and template kept, status dropped.
 */
export async function rotateSealedSecret(options: SealedSecretApiOptions, body: unknown): Promise<ApiReply> {
  const capped = tooManyItems(sealedSecretCost(body), options.maxItems ?? DEFAULT_API_LIMITS.maxItemsPerRequest);
  if (capped) return capped;
  let read;
  try {
    read = readSealedSecret(withNamespace(body));
  } catch (error) {
    return invalid(error);
  }
  const { status: _status, ...rest } = read.sealedSecret;
  // No items: nothing to re-encrypt, the object comes back as it is.
  if (Object.keys(rest.spec.encryptedData).length === 0) return { status: 200, body: rest };
  const sealing = options.keys().sealing;
  if (!sealing) return { status: 503, body: { error: ApiError.NoSealingKey, message: 'no active sealing key yet' } };
  const outcome = await options.pool.reseal(
    {
      object: read.object,
      scopeLabel: read.scopeLabel,
      encryptedData: read.sealedSecret.spec.encryptedData,
      sealingKeyId: sealing.held.keyId,
    },
    { priority: RsaPriority.Api },
  );
  const { rsaOperations } = outcome;
  if (!outcome.ok) {
    return {
      status: 409,
      body: { error: ApiError.SealedSecretUndecryptable, message: outcome.message },
      rsaOperations,
    };
  }
  options.logger.info({ sealedSecret: read.object, sealingKeyId: sealing.held.keyId }, 'rotated');
  const rotated = { ...rest, spec: { ...read.sealedSecret.spec, encryptedData: outcome.encryptedData } };
  return { status: 200, body: rotated, rsaOperations };
}
