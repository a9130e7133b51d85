import { Annotation, BITNAMI_API_VERSION, type SealedSecret, type Secret } from '@gitseal/manifests';

/** How Bitnami's annotations shape the Secret a `bitnami.com/v1alpha1` SealedSecret writes. */
export interface SecretRules {
  /** `skip-set-owner-references: "true"` on the template: the Secret gets no ownerReference. */
  readonly skipOwnerReferences: boolean;
  /** `patch: "true"` on the existing Secret: merge keys, labels and annotations into it. */
  readonly patch: boolean;
  /** `managed: "true"` on the existing Secret: take it over (with `patch`: also set our ownerReference). */
  readonly managed: boolean;
}

export const NO_RULES: SecretRules = { skipOwnerReferences: false, patch: false, managed: false };

/** The rules for this object and the Secret already there; gitseal.dev objects follow none of them. */
export function secretRules(sealedSecret: SealedSecret, existing: Secret | undefined): SecretRules {
  if (sealedSecret.apiVersion !== BITNAMI_API_VERSION) return NO_RULES;
  const template = sealedSecret.spec.template?.metadata?.annotations ?? {};
  const current = existing?.metadata.annotations ?? {};
  return {
    skipOwnerReferences: template[Annotation.BitnamiSkipSetOwnerReferences] === 'true',
    patch: current[Annotation.BitnamiPatch] === 'true',
    managed: current[Annotation.BitnamiManaged] === 'true',
  };
}

/**
 * Applies the rules to the Secret gitseal would write, as Bitnami's controller does: without an ownerReference
 * when skipped; in patch mode the existing Secret's keys, labels and annotations stay unless the SealedSecret sets
 * them, and its ownerReferences stay unless it is also `managed`. The type is always the template's.
 */
export function applySecretRules(desired: Secret, existing: Secret | undefined, rules: SecretRules): Secret {
  const shaped: Secret = { ...desired, metadata: { ...desired.metadata } };
  if (rules.skipOwnerReferences) delete shaped.metadata.ownerReferences;
  if (!rules.patch || !existing) return shaped;
  shaped.data = { ...existing.data, ...desired.data };
  shaped.metadata.labels = { ...existing.metadata.labels, ...desired.metadata.labels };
  shaped.metadata.annotations = { ...existing.metadata.annotations, ...desired.metadata.annotations };
  if (!rules.managed) {
    const kept = existing.metadata.ownerReferences;
    if (kept && kept.length > 0) shaped.metadata.ownerReferences = [...kept];
    else delete shaped.metadata.ownerReferences;
  }
  return shaped;
}
