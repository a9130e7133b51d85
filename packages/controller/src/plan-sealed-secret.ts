import { scopeLabel } from '@gitseal/crypto';
import {
  ManifestError,
  ProducedSecret,
  scopeOf,
  validateSealedSecret,
  type SealedSecret,
  type Secret,
} from '@gitseal/manifests';
import { applySecretRules, secretRules } from './bitnami-secret-rules.js';
import { ControllerError, ControllerErrorCode } from './controller-error.js';
import { desiredSecret, secretMatches, secretOwnership, Ownership } from './desired-secret.js';
import type { KeySet } from './key-set.js';
import { dataHmacOf, isLeanSecret } from './lean-secret.js';
import { checksumOfSealedSecret, isSettled } from './lean-sealed-secret.js';
import { secretDataHmac } from './secret-checksum.js';
import { renderTemplateData } from './template-data.js';

/** Largest Secret the API server stores (data, all items together). */
export const MAX_SECRET_BYTES = 1024 * 1024;
/** Per item: the 2-byte prefix, the GCM tag and at least an RSA-2048 ciphertext. */
const MIN_V1_OVERHEAD = 2 + 16 + 256;

/** Gives the HMAC key derived from the key with this id, or undefined when the key is not held. */
export type HmacKeyFor = (keyId: string) => Buffer | undefined;

export interface ReadSealedSecret {
  readonly sealedSecret: SealedSecret;
  readonly object: string;
  readonly scopeLabel: string;
}

/**
 * Validates an object from the cache and works out the scope label it must open under. Throws ControllerError
 * INVALID_SEALED_SECRET with a safe one-line message.
 */
export function readSealedSecret(object: unknown): ReadSealedSecret {
  try {
    const sealedSecret = validateSealedSecret(object, 'cluster');
    const { namespace = '', name } = sealedSecret.metadata;
    const id = `${namespace}/${name}`;
    const label = scopeLabel(scopeOf(sealedSecret, 'cluster'), namespace, name);
    const estimate = Object.values(sealedSecret.spec.encryptedData).reduce(
      (sum, value) => sum + Math.max(0, Math.floor((value.length * 3) / 4) - MIN_V1_OVERHEAD),
      0,
    );
    if (estimate > MAX_SECRET_BYTES) {
      throw new ControllerError(
        ControllerErrorCode.InvalidSealedSecret,
        `SealedSecret ${id}: its items would make a Secret larger than the ${MAX_SECRET_BYTES}-byte limit`,
      );
    }
    return { sealedSecret, object: id, scopeLabel: label };
  } catch (error) {
    if (error instanceof ControllerError) throw error;
    const why = error instanceof ManifestError ? error.message.replace(/^cluster: /, '') : 'not a valid SealedSecret';
    throw new ControllerError(ControllerErrorCode.InvalidSealedSecret, why);
  }
}

export type SecretPlan =
  /** The Secret belongs to someone else: report SecretNotOwned, write nothing. */
  | { readonly kind: 'foreign' }
  /** The Secret already holds exactly what the ciphertext opens to: no RSA needed. `repair` fixes metadata. */
  | { readonly kind: 'intact'; readonly keyIds: readonly string[]; readonly repair: Secret | undefined }
  /** Decrypt (in the worker pool), then write. */
  | { readonly kind: 'unseal'; readonly preferKeyId: string | undefined }
  /** The cached Secret lacks its data (lean-secret.ts) and must be written: read it whole, then plan again. */
  | { readonly kind: 'read' };

/**
 * Decides what a reconcile must do without any RSA: a Secret that carries our checksum for the current
 * ciphertexts and template, opened by keys we still hold, whose data still matches its keyed HMAC, is intact.
 */
export function planSecret(
  sealedSecret: SealedSecret,
  existing: Secret | undefined,
  keys: KeySet,
  hmacKeyFor: HmacKeyFor,
): SecretPlan {
  const ownership = secretOwnership(existing, sealedSecret);
  const rules = secretRules(sealedSecret, existing);
  const annotations = existing?.metadata.annotations ?? {};
  const keyIds = (annotations[ProducedSecret.KeyId] ?? '').split(',').filter((id) => id !== '');
  const preferKeyId = keyIds.find((id) => keys.byId.has(id));
  // A settled SealedSecret (lean-sealed-secret.ts) gives no checksum for other keys: not intact, so it is read whole.
  const checksum = keyIds.length === 0 ? undefined : checksumOfSealedSecret(sealedSecret, keyIds);
  const intactData = (): string | undefined => {
    if (!existing || checksum === undefined || keyIds.some((id) => !keys.byId.has(id))) return undefined;
    const hmacKey = hmacKeyFor(keyIds[0] ?? '');
    if (annotations[ProducedSecret.Checksum] !== checksum || !hmacKey) return undefined;
    const dataHmac = dataHmacOf(existing, hmacKey);
    return annotations[ProducedSecret.DataHmac] === dataHmac ? dataHmac : undefined;
  };
  if (ownership === Ownership.Foreign) {
    // A Secret written without an ownerReference (skip-set-owner-references) is still ours while it holds exactly
    // what this SealedSecret wrote; any other foreign Secret is refused, as Bitnami refuses it.
    if (!rules.skipOwnerReferences || existing?.metadata.labels?.[ProducedSecret.Label] !== 'true') {
      return { kind: 'foreign' };
    }
    if (intactData() === undefined) return { kind: 'foreign' };
  }
  const dataHmac = ownership === Ownership.Absent ? undefined : intactData();
  if (!existing || dataHmac === undefined || checksum === undefined) {
    return isLeanSecret(existing) ? { kind: 'read' } : { kind: 'unseal', preferKeyId };
  }
  const desired = desiredSecret({
    sealedSecret,
    data: existing.data ?? {},
    checksum,
    keyId: keyIds.join(','),
    dataHmac,
  });
  const shaped = applySecretRules(desired, existing, rules);
  if (secretMatches(existing, shaped)) return { kind: 'intact', keyIds, repair: undefined };
  // Intact data, other metadata: the repair writes the data back, so it needs the data itself.
  return isLeanSecret(existing) ? { kind: 'read' } : { kind: 'intact', keyIds, repair: shaped };
}

/**
 * The Secret to write after a successful unseal: items plus rendered template data, checksum and keyed HMAC,
 * shaped by Bitnami's annotations (see bitnami-secret-rules.ts) against the Secret already there.
 */
export function buildSecret(
  read: ReadSealedSecret,
  decrypted: Readonly<Record<string, string>>,
  keyIds: readonly string[],
  hmacKeyFor: HmacKeyFor,
  existing?: Secret,
): Secret {
  const { sealedSecret } = read;
  const checksum = checksumOfSealedSecret(sealedSecret, keyIds);
  if (isSettled(sealedSecret) || checksum === undefined) {
    throw new Error(`SealedSecret ${read.object}: a Secret is built from the whole object, not the cached one`);
  }
  const rules = secretRules(sealedSecret, existing);
  const rendered = renderTemplateData(read.object, sealedSecret.spec.template?.data, decrypted);
  const data = rules.patch && existing ? { ...existing.data, ...rendered } : rendered;
  const hmacKey = hmacKeyFor(keyIds[0] ?? '');
  if (!hmacKey) {
    throw new ControllerError(ControllerErrorCode.Undecryptable, `SealedSecret ${read.object}: its key was removed`);
  }
  const desired = desiredSecret({
    sealedSecret,
    data,
    checksum,
    keyId: keyIds.join(','),
    dataHmac: secretDataHmac(hmacKey, data),
  });
  return applySecretRules(desired, existing, rules);
}
