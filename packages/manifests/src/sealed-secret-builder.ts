import { Annotation } from './annotations.js';
import { GITSEAL_API_VERSION, type SealedSecretApiVersion } from './api-versions.js';
import { definedFields } from './defined-fields.js';
import { ManifestError, ManifestErrorCode } from './errors.js';
import { isValidNamespace, isValidObjectName, isValidSecretKey, quoteName } from './names.js';
import type { SealedSecret, SecretTemplateMeta } from './sealed-secret.js';

export interface BuildSealedSecretInput {
  apiVersion?: SealedSecretApiVersion | undefined;
  /** Usually the input Secret's metadata; only name, namespace, labels and annotations are kept. */
  metadata: {
    name?: string | undefined;
    namespace?: string | undefined;
    labels?: Record<string, string> | undefined;
    annotations?: Record<string, string> | undefined;
  };
  template?: {
    type?: string | undefined;
    immutable?: boolean | undefined;
    labels?: Record<string, string> | undefined;
    annotations?: Record<string, string> | undefined;
    data?: Record<string, string> | undefined;
  };
  encryptedData: Record<string, string>;
}

/** Annotations that describe one live object, not the desired state, and so never belong in Git. */
const DROPPED_ANNOTATIONS: readonly string[] = [Annotation.LastAppliedConfiguration];

function cleanAnnotations(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations) return undefined;
  const kept = Object.entries(annotations).filter(([key]) => !DROPPED_ANNOTATIONS.includes(key));
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

function nonEmpty(map: Record<string, string> | undefined): Record<string, string> | undefined {
  return map && Object.keys(map).length > 0 ? { ...map } : undefined;
}

/**
 * Builds a SealedSecret from already sealed values. Server-populated fields (uid, resourceVersion,
 * managedFields, ownerReferences, …) are left out by construction; labels, annotations, type and immutable
 * carry over to the template so the produced Secret looks like the original.
 */
export function buildSealedSecret(input: BuildSealedSecretInput): SealedSecret {
  const { name, namespace } = input.metadata;
  if (name === undefined || !isValidObjectName(name)) {
    throw new ManifestError(ManifestErrorCode.InvalidSealedSecret, 'SealedSecret: metadata.name is missing or invalid');
  }
  if (namespace !== undefined && !isValidNamespace(namespace)) {
    throw new ManifestError(
      ManifestErrorCode.InvalidSealedSecret,
      `SealedSecret ${name}: metadata.namespace is invalid`,
    );
  }
  for (const [key, value] of Object.entries(input.encryptedData)) {
    if (!isValidSecretKey(key) || typeof value !== 'string' || value === '') {
      throw new ManifestError(
        ManifestErrorCode.InvalidSealedSecret,
        `SealedSecret ${name}: encryptedData key ${quoteName(key)} is invalid or has no sealed value`,
      );
    }
  }
  const template = input.template ?? {};
  const templateMeta: SecretTemplateMeta = definedFields({
    name,
    namespace,
    labels: nonEmpty(template.labels),
    annotations: cleanAnnotations(template.annotations),
  });
  const spec: SealedSecret['spec'] = {
    encryptedData: { ...input.encryptedData },
    template: definedFields({
      metadata: templateMeta,
      type: template.type,
      immutable: template.immutable,
      data: nonEmpty(template.data),
    }),
  };
  return {
    apiVersion: input.apiVersion ?? GITSEAL_API_VERSION,
    kind: 'SealedSecret',
    metadata: definedFields({
      name,
      namespace,
      labels: nonEmpty(input.metadata.labels),
      annotations: cleanAnnotations(input.metadata.annotations),
    }),
    spec,
  };
}
