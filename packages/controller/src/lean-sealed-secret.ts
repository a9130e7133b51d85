import type { KubernetesObject } from '@kubernetes/client-node';
import { Annotation } from '@gitseal/manifests';

/**
 * The informer transform for SealedSecrets: drops managedFields and kubectl's last-applied-configuration, which
 * repeats the whole object (every ciphertext) and is never read. The rest stays: the reconciler needs the spec,
 * the status it compares, and the metadata (labels, Bitnami's scope annotations).
 */
export function leanSealedSecret<T extends KubernetesObject>(object: T): T {
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
