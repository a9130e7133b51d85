import type { KubernetesObject } from '@kubernetes/client-node';
import { Annotation, ProducedSecret, type SealedSecret, type Secret } from '@gitseal/manifests';
import { sealedSecretChecksum } from './secret-checksum.js';

/** Where a settled SealedSecret keeps the checksum its ciphertexts gave. Never serialised. */
const SETTLED = Symbol('gitseal.settledChecksum');

/**
 * A SealedSecret as the cache holds it once its Secret is known to hold what it opens to: `spec.encryptedData`
 * empty, and the checksum its ciphertexts gave under the keys that opened them. An intact Secret needs nothing
 * more; a reconcile that must unseal (or build the Secret anew) reads the object whole first.
 */
export interface SettledSealedSecret extends SealedSecret {
  readonly [SETTLED]: { readonly keyIds: string; readonly checksum: string };
}

/** Looks up the Secret a SealedSecret produces, as the cache holds it. */
export type ProducedSecretOf = (namespace: string, name: string) => Secret | undefined;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** True when the SealedSecret came from the cache without its ciphertexts. */
export function isSettled(sealedSecret: SealedSecret): sealedSecret is SettledSealedSecret {
  return SETTLED in sealedSecret;
}

/**
 * The checksum of what decides the produced Secret (secret-checksum.ts) when `keyIds` opened it; undefined for a
 * settled SealedSecret whose remembered keys are other ones (its ciphertexts are needed to tell).
 */
export function checksumOfSealedSecret(sealedSecret: SealedSecret, keyIds: readonly string[]): string | undefined {
  if (isSettled(sealedSecret)) {
    const settled = sealedSecret[SETTLED];
    return settled.keyIds === keyIds.join(',') ? settled.checksum : undefined;
  }
  return sealedSecretChecksum({
    apiVersion: sealedSecret.apiVersion,
    namespace: sealedSecret.metadata.namespace ?? '',
    name: sealedSecret.metadata.name,
    encryptedData: sealedSecret.spec.encryptedData,
    template: sealedSecret.spec.template,
    keyId: keyIds.join(','),
  });
}

/** Drops managedFields and kubectl's last-applied-configuration, which repeats the whole object. */
function withoutRepeats<T extends KubernetesObject>(object: T): T {
  const metadata = object.metadata;
  if (metadata === undefined) return object;
  const annotations = metadata.annotations;
  const lastApplied = annotations?.[Annotation.LastAppliedConfiguration] !== undefined;
  if (metadata.managedFields === undefined && !lastApplied) return object;
  const { managedFields: _dropped, ...kept } = metadata;
  if (lastApplied && annotations) {
    const { [Annotation.LastAppliedConfiguration]: _repeated, ...others } = annotations;
    kept.annotations = others;
  }
  return { ...object, metadata: kept };
}

/**
 * The settled form of a SealedSecret whose produced Secret (from the cache) carries the checksum of exactly these
 * ciphertexts, template and identity; undefined when it does not (new, changed, or its Secret not seen yet).
 */
function settle(object: SealedSecret, producedSecret: ProducedSecretOf): SettledSealedSecret | undefined {
  const encryptedData = object.spec?.encryptedData;
  const name = object.metadata?.name;
  if (typeof name !== 'string' || encryptedData === null || typeof encryptedData !== 'object') return undefined;
  const items = Object.keys(encryptedData);
  if (items.length === 0 || items.some((item) => typeof encryptedData[item] !== 'string')) return undefined;
  const annotations = producedSecret(object.metadata.namespace ?? '', name)?.metadata.annotations;
  const keyIds = annotations?.[ProducedSecret.KeyId] ?? '';
  const checksum = annotations?.[ProducedSecret.Checksum];
  if (keyIds === '' || checksum === undefined) return undefined;
  if (checksumOfSealedSecret(object, keyIds.split(',')) !== checksum) return undefined;
  // Built field by field, the same way every time, so that settled SealedSecrets share their hidden classes.
  const spec: Mutable<SealedSecret['spec']> = { encryptedData: {} };
  if (object.spec.template !== undefined) spec.template = object.spec.template;
  const settled: Mutable<SettledSealedSecret> = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: object.metadata,
    spec,
    [SETTLED]: { keyIds, checksum },
  };
  if (object.status !== undefined) settled.status = object.status;
  return settled;
}

/**
 * The informer transform for SealedSecrets: drops managedFields and kubectl's last-applied-configuration (a second
 * copy of every ciphertext, never read). With `producedSecret`, a SealedSecret whose Secret is intact as far as
 * the checksum tells is also cached without its ciphertexts (most of its size: ~2.3 KiB of 3 KiB at three items),
 * since an intact Secret needs no RSA; the rest stays, for the status, the scope annotations and the template.
 */
export function leanSealedSecret<T extends KubernetesObject>(object: T, producedSecret?: ProducedSecretOf): T {
  const lean = withoutRepeats(object);
  if (producedSecret === undefined) return lean;
  // The informer holds raw JSON objects; the manifests type describes exactly that, checked field by field above.
  const settled = settle(lean as unknown as SealedSecret, producedSecret);
  return settled === undefined ? lean : (settled as unknown as T);
}
