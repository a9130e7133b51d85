import { createHash } from 'node:crypto';
import { CryptoError, scopeLabel, unsealValue, type PrivateKeyRing } from '@gitseal/crypto';
import {
  BITNAMI_API_VERSION,
  describeObjectInFile,
  GITSEAL_API_VERSION,
  isPlainObject,
  ManifestError,
  scopeOf,
  validateSealedSecret,
  type KubeObject,
  type SealedSecret,
} from '@gitseal/manifests';
import { objectKey } from './object-ref.js';
import type { RenderedObject } from './render.js';
import { SyncReason } from './sync-error.js';

/** Digests of SealedSecrets already proven to open with the current keys (a Set works). */
export interface PreflightCache {
  has(digest: string): boolean;
  add(digest: string): unknown;
}

/** What a verifier needs to open one SealedSecret; `object` names it (`ns/name`). */
export interface SealedSecretToVerify {
  readonly object: string;
  readonly scopeLabel: string;
  readonly encryptedData: Readonly<Record<string, string>>;
}

/**
 * Opens every item of one SealedSecret and throws the plaintext away. Resolves with why it cannot be opened (one
 * line naming the item, never secret bytes), or undefined when it opens. The controller runs it in its RSA workers.
 */
export type SealedSecretVerifier = (sealed: SealedSecretToVerify) => Promise<string | undefined>;

export interface PreflightOptions {
  /** The keys the controller holds: their ids are part of the cache digest; the default verifier uses them. */
  keys: PrivateKeyRing;
  /** Opens SealedSecrets; default: in this thread with `keys`. */
  verify?: SealedSecretVerifier;
  /** Let plain `v1` Secrets with data through (spec.allowPlainSecrets). */
  allowPlainSecrets?: boolean;
  /** Also check `bitnami.com/v1alpha1` SealedSecrets (they are gitseal's to decrypt in compat mode). */
  bitnamiCompat?: boolean;
  cache?: PreflightCache;
}

export interface PreflightFailure {
  readonly source: string;
  readonly message: string;
}

export type PreflightResult =
  | { readonly ok: true; readonly decrypted: number; readonly cached: number }
  | {
      readonly ok: false;
      readonly reason: SyncReason;
      /** One line naming the first failure (file, object, item), never plaintext. */
      readonly message: string;
      readonly failures: readonly PreflightFailure[];
    };

type Check = (item: RenderedObject) => PreflightFailure | undefined;

function findDuplicates(objects: readonly RenderedObject[]): PreflightFailure[] {
  const first = new Map<string, string>();
  const out: PreflightFailure[] = [];
  for (const { object, source } of objects) {
    const key = objectKey(object);
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, source);
    else out.push({ source, message: `${describeObjectInFile(object, source)}: duplicate of ${earlier}` });
  }
  return out;
}

const hasEntries = (value: unknown): boolean => isPlainObject(value) && Object.keys(value).length > 0;

const plainSecret: Check = ({ object, source }) => {
  if (object.apiVersion !== 'v1' || object.kind !== 'Secret') return undefined;
  if (!hasEntries(object['data']) && !hasEntries(object['stringData'])) return undefined;
  return {
    source,
    message: `${describeObjectInFile(object, source)}: plain Secret with data in Git (seal it, or set spec.allowPlainSecrets)`,
  };
};

/**
 * A SealedSecret's `spec.template.data` value with no `{{ … }}` placeholder is literal text in Git, i.e. a plain
 * secret value beside the sealed ones. Only values that reference sealed items (`{{ .key }}`,
 * `{{ index . "key" }}`, with literal text around them) may pass; the controller checks the forms when unsealing.
 */
function literalTemplateData(sealed: SealedSecret, where: string, source: string): PreflightFailure | undefined {
  const data = sealed.spec.template?.data ?? {};
  const literal = Object.keys(data)
    .filter((key) => !String(data[key]).includes('{{'))
    .sort();
  if (literal.length === 0) return undefined;
  return {
    source,
    message: `${where}: spec.template.data.${literal[0]} is literal text, not a reference to a sealed item (seal it into encryptedData, or set spec.allowPlainSecrets)`,
  };
}

function isCheckedSealedSecret(object: KubeObject, bitnamiCompat: boolean): boolean {
  if (object.kind !== 'SealedSecret') return false;
  return object.apiVersion === GITSEAL_API_VERSION || (bitnamiCompat && object.apiVersion === BITNAMI_API_VERSION);
}

interface Verifiable {
  readonly sealed: SealedSecret;
  readonly label: string;
  readonly where: string;
  readonly source: string;
}

function readSealedSecret(object: KubeObject, source: string): Verifiable | PreflightFailure {
  const where = describeObjectInFile(object, source);
  try {
    const sealed = validateSealedSecret(object, source);
    const namespace = sealed.metadata.namespace;
    if (!namespace)
      return { source, message: `${where}: no namespace (set metadata.namespace or spec.targetNamespace)` };
    const label = scopeLabel(scopeOf(sealed, source), namespace, sealed.metadata.name);
    return { sealed, label, where, source };
  } catch (error) {
    return { source, message: error instanceof ManifestError ? error.message : `${where}: invalid SealedSecret` };
  }
}

/** Stable digest of what decryption depends on: keys held, scope label, object identity and ciphertexts. */
export function sealedSecretDigest(sealed: SealedSecret, label: string, keys: PrivateKeyRing): string {
  const entries = Object.entries(sealed.spec.encryptedData).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const keyIds = keys.keys.map((k) => k.keyId).sort();
  const material = JSON.stringify([
    keyIds,
    sealed.apiVersion,
    label,
    sealed.metadata.namespace,
    sealed.metadata.name,
    entries,
  ]);
  return createHash('sha256').update(material, 'utf8').digest('hex');
}

/** The default verifier: opens every item in this thread; the plaintext is wiped at once. */
export function verifyInThread(keys: PrivateKeyRing): SealedSecretVerifier {
  return (sealed) => {
    let preferKeyId: string | undefined;
    for (const [itemKey, value] of Object.entries(sealed.encryptedData)) {
      try {
        const opened = unsealValue({
          keys,
          scopeLabel: sealed.scopeLabel,
          itemKey,
          value,
          ...(preferKeyId ? { preferKeyId } : {}),
        });
        opened.plaintext.wipe();
        preferKeyId = opened.keyId;
      } catch (error) {
        return Promise.resolve(error instanceof CryptoError ? error.message : `item "${itemKey}": decryption failed`);
      }
    }
    return Promise.resolve(undefined);
  };
}

function fail(reason: SyncReason, failures: PreflightFailure[]): PreflightResult {
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more)` : '';
  return { ok: false, reason, message: `${failures[0]?.message ?? 'failed'}${more}`, failures };
}

/**
 * Checks a rendered revision before anything is applied: no duplicate objects, no plain Secrets with data (unless allowed), every SealedSecret well formed
 * and decryptable at its scope and final namespace with the held keys. One undecryptable SealedSecret refuses
 * the whole revision. Verified SealedSecrets go into `cache`, so an unchanged revision costs no RSA work.
 */
export async function preflight(
  objects: readonly RenderedObject[],
  options: PreflightOptions,
): Promise<PreflightResult> {
  const duplicates = findDuplicates(objects);
  if (duplicates.length > 0) return fail(SyncReason.DuplicateObject, duplicates);
  const sealed: Verifiable[] = [];
  const invalid: PreflightFailure[] = [];
  const plain: PreflightFailure[] = [];
  for (const item of objects) {
    if (isCheckedSealedSecret(item.object, options.bitnamiCompat === true)) {
      const read = readSealedSecret(item.object, item.source);
      if (!('sealed' in read)) invalid.push(read);
      else {
        sealed.push(read);
        const literal = options.allowPlainSecrets
          ? undefined
          : literalTemplateData(read.sealed, read.where, read.source);
        if (literal) plain.push(literal);
      }
    } else if (!options.allowPlainSecrets) {
      const failure = plainSecret(item);
      if (failure) plain.push(failure);
    }
  }
  if (invalid.length > 0) return fail(SyncReason.InvalidManifest, invalid);
  if (plain.length > 0) return fail(SyncReason.PlaintextSecretInGit, plain);
  const verify = options.verify ?? verifyInThread(options.keys);
  const undecryptable: PreflightFailure[] = [];
  const verified: string[] = [];
  let cached = 0;
  const pending = sealed.flatMap((v) => {
    const digest = sealedSecretDigest(v.sealed, v.label, options.keys);
    if (options.cache?.has(digest)) {
      cached++;
      return [];
    }
    const { namespace = '', name } = v.sealed.metadata;
    return [
      {
        v,
        digest,
        cause: verify({
          object: `${namespace}/${name}`,
          scopeLabel: v.label,
          encryptedData: v.sealed.spec.encryptedData,
        }),
      },
    ];
  });
  // All verifications are in flight at once (a pool bounds them); results are read in file order.
  for (const { v, digest, cause } of pending) {
    const why = await cause;
    if (why === undefined) verified.push(digest);
    else undecryptable.push({ source: v.source, message: `${v.where}: ${why}` });
  }
  // Remember successes even when the revision fails: fixing one object should not re-verify the others.
  for (const digest of verified) options.cache?.add(digest);
  if (undecryptable.length > 0) return fail(SyncReason.SealedSecretUndecryptable, undecryptable);
  return { ok: true, decrypted: verified.length, cached };
}
