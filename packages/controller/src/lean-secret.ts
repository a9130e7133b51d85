import { ProducedSecret, type Secret } from '@gitseal/manifests';
import type { HmacKeyFor } from './plan-sealed-secret.js';
import { secretDataHmac } from './secret-checksum.js';

/** Where a lean Secret keeps the keyed HMAC computed over the data it no longer holds. Never serialised. */
const COMPUTED_DATA_HMAC = Symbol('gitseal.computedDataHmac');

/** A produced Secret as the informer cache holds it: without `data`, with the HMAC computed over that data. */
export interface LeanSecret extends Secret {
  readonly [COMPUTED_DATA_HMAC]: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function firstKeyId(secret: Secret): string | undefined {
  const ids = secret.metadata.annotations?.[ProducedSecret.KeyId] ?? '';
  const first = ids.split(',')[0];
  return first === '' ? undefined : first;
}

/**
 * The informer transform for produced Secrets: drops managedFields and replaces `data` by the keyed HMAC over it,
 * computed with the key its `key-id` annotation names. That is all a reconcile reads of the data while the Secret
 * is intact; a reconcile that must write the Secret reads it whole from the API server first. A Secret whose key is
 * not held (yet) keeps its data: there is nothing to compare it with.
 */
export function leanSecret(secret: Secret, hmacKeyFor: HmacKeyFor): Secret {
  const { managedFields: _dropped, ...metadata } = secret.metadata;
  const keyId = firstKeyId(secret);
  const hmacKey = keyId === undefined ? undefined : hmacKeyFor(keyId);
  if (hmacKey === undefined) return { ...secret, metadata };
  const computed = secretDataHmac(hmacKey, secret.data);
  const annotated = metadata.annotations?.[ProducedSecret.DataHmac];
  // The annotation's own string when they agree (the usual case): the lean Secret then costs no extra string. Built
  // field by field, the same way every time, so that all lean Secrets share one hidden class.
  const lean: Mutable<LeanSecret> = {
    apiVersion: secret.apiVersion,
    kind: secret.kind,
    metadata,
    [COMPUTED_DATA_HMAC]: computed === annotated ? annotated : computed,
  };
  if (secret.type !== undefined) lean.type = secret.type;
  if (secret.immutable !== undefined) lean.immutable = secret.immutable;
  return lean;
}

/** True when the Secret came from the cache without its data. */
export function isLeanSecret(secret: Secret | undefined): secret is LeanSecret {
  return secret !== undefined && COMPUTED_DATA_HMAC in secret;
}

/**
 * The keyed HMAC over a Secret's data under `hmacKey`: computed at cache time for a lean Secret (under the key its
 * annotation names, the key `hmacKey` must be derived from), else now.
 */
export function dataHmacOf(secret: Secret, hmacKey: Uint8Array): string {
  return isLeanSecret(secret) ? secret[COMPUTED_DATA_HMAC] : secretDataHmac(hmacKey, secret.data);
}
