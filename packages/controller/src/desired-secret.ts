import {
  Annotation,
  BITNAMI_API_VERSION,
  definedFields,
  ProducedSecret,
  type OwnerReference,
  type SealedSecret,
  type Secret,
} from '@gitseal/manifests';

export const Ownership = {
  /** No Secret of that name exists. */
  Absent: 'absent',
  /** Owned by this very SealedSecret (controller ownerReference with its uid). */
  Owned: 'owned',
  /** Not owned by us, but marked `managed: "true"`: gitseal may take it over. */
  Managed: 'managed',
  /** Someone else's Secret: never overwritten. */
  Foreign: 'foreign',
} as const;
export type Ownership = (typeof Ownership)[keyof typeof Ownership];

export interface DesiredSecretInput {
  readonly sealedSecret: SealedSecret;
  /** key → base64 value: the decrypted items plus rendered template data. */
  readonly data: Readonly<Record<string, string>>;
  readonly checksum: string;
  readonly keyId: string;
  readonly dataHmac: string;
}

export function ownerReferenceFor(sealedSecret: SealedSecret): OwnerReference {
  return {
    apiVersion: sealedSecret.apiVersion,
    kind: 'SealedSecret',
    name: sealedSecret.metadata.name,
    uid: sealedSecret.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** How an existing Secret relates to the SealedSecret that wants to write it. */
export function secretOwnership(existing: Secret | undefined, sealedSecret: SealedSecret): Ownership {
  if (!existing) return Ownership.Absent;
  const refs = existing.metadata.ownerReferences ?? [];
  if (refs.some((r) => r.controller === true && r.uid === sealedSecret.metadata.uid)) return Ownership.Owned;
  const annotations = existing.metadata.annotations ?? {};
  const managedKey = sealedSecret.apiVersion === BITNAMI_API_VERSION ? Annotation.BitnamiManaged : Annotation.Managed;
  // Another controller's object stays foreign even when marked managed: two controllers must not fight over it.
  const otherController = refs.some((r) => r.controller === true);
  // Bitnami's patch annotation also lets the SealedSecret write into a Secret it does not own.
  const patch = sealedSecret.apiVersion === BITNAMI_API_VERSION && annotations[Annotation.BitnamiPatch] === 'true';
  if (!otherController && (annotations[managedKey] === 'true' || annotations[Annotation.Managed] === 'true' || patch)) {
    return Ownership.Managed;
  }
  return Ownership.Foreign;
}

/** The Secret a SealedSecret stands for: template metadata, type and immutability, the data, and our bookkeeping. */
export function desiredSecret(input: DesiredSecretInput): Secret {
  const { sealedSecret, data } = input;
  const template = sealedSecret.spec.template ?? {};
  const meta = template.metadata ?? {};
  const secret: Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: sealedSecret.metadata.name,
      ...definedFields({ namespace: sealedSecret.metadata.namespace }),
      labels: { ...meta.labels, [ProducedSecret.Label]: ProducedSecret.LabelValue },
      annotations: {
        ...meta.annotations,
        [ProducedSecret.Checksum]: input.checksum,
        [ProducedSecret.KeyId]: input.keyId,
        [ProducedSecret.DataHmac]: input.dataHmac,
      },
      ownerReferences: [ownerReferenceFor(sealedSecret)],
    },
    type: template.type ?? 'Opaque',
    data: { ...data },
  };
  if (meta.finalizers && meta.finalizers.length > 0) secret.metadata.finalizers = [...meta.finalizers];
  if (template.immutable !== undefined) secret.immutable = template.immutable;
  return secret;
}

/** Same keys and values, in any order (the API server may return a Secret's keys in another order). */
export function sameRecord(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>> | undefined,
): boolean {
  const ea = Object.entries(a ?? {});
  if (ea.length !== Object.keys(b ?? {}).length) return false;
  return ea.every(([k, v]) => b?.[k] === v);
}

function includesRecord(outer: Readonly<Record<string, string>> | undefined, inner: Readonly<Record<string, string>>) {
  return Object.entries(inner).every(([k, v]) => outer?.[k] === v);
}

/**
 * Whether the existing Secret already is the desired one: exact data, type and immutability, our owner reference
 * (when the desired Secret has one),
 * and every desired label and annotation (others may add their own labels and annotations).
 */
export function secretMatches(existing: Secret, desired: Secret): boolean {
  const owner = desired.metadata.ownerReferences?.[0];
  // Without an ownerReference of ours (Bitnami's skip-set-owner-references, or patch mode) there is none to check.
  const owned =
    owner === undefined ||
    (existing.metadata.ownerReferences ?? []).some(
      (r) => r.uid === owner.uid && r.controller === true && r.kind === owner.kind && r.apiVersion === owner.apiVersion,
    );
  return (
    owned &&
    (existing.type ?? 'Opaque') === (desired.type ?? 'Opaque') &&
    (existing.immutable ?? false) === (desired.immutable ?? false) &&
    sameRecord(existing.data, desired.data) &&
    includesRecord(existing.metadata.labels, desired.metadata.labels ?? {}) &&
    includesRecord(existing.metadata.annotations, desired.metadata.annotations ?? {})
  );
}

export const SecretWrite = {
  Create: 'create',
  /** Delete and create: a Secret's type never changes in place, nor does anything of an immutable Secret. */
  Recreate: 'recreate',
  Replace: 'replace',
} as const;
export type SecretWrite = (typeof SecretWrite)[keyof typeof SecretWrite];

/**
 * How to turn the existing Secret into the desired one. An immutable Secret is recreated when its data (compared
 * without regard to key order) or its type would change, or when it is to become mutable: a PUT of any of those is
 * refused with 422 every time.
 */
export function planSecretWrite(existing: Secret | undefined, desired: Secret): SecretWrite {
  if (!existing) return SecretWrite.Create;
  if ((existing.type ?? 'Opaque') !== (desired.type ?? 'Opaque')) return SecretWrite.Recreate;
  if (existing.immutable === true && (desired.immutable !== true || !sameRecord(existing.data, desired.data))) {
    return SecretWrite.Recreate;
  }
  return SecretWrite.Replace;
}
