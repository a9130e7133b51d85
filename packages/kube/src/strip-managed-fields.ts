import type { KubernetesObject } from '@kubernetes/client-node';

/**
 * Drops metadata.managedFields, often the biggest part of an object: an informer transform for caches whose
 * reconciler never reads it (see InformerOptions.transform).
 */
export function stripManagedFields<T extends KubernetesObject>(object: T): T {
  if (object.metadata?.managedFields === undefined) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return { ...object, metadata };
}
