import { Scope } from '@gitseal/crypto';
import { Annotation } from './annotations.js';
import { BITNAMI_API_VERSION } from './api-versions.js';
import { describeObjectInFile } from './describe-object-in-file.js';
import { ManifestError, ManifestErrorCode } from './errors.js';
import { isPlainObject } from './object-meta.js';

function annotationsAt(value: unknown): Record<string, unknown> {
  if (!isPlainObject(value)) return {};
  const metadata = value['metadata'];
  if (!isPlainObject(metadata)) return {};
  const annotations = metadata['annotations'];
  return isPlainObject(annotations) ? annotations : {};
}

/**
 * The sealing scope an object asks for through its annotations: gitseal.dev ones on the object or its
 * template; Bitnami's on bitnami.com SealedSecrets and on plain Secrets (kubeseal users annotate those).
 * Absent means strict; namespace-wide and cluster-wide together is an error.
 */
export function scopeOf(object: unknown, source = 'manifest'): Scope {
  const spec = isPlainObject(object) ? object['spec'] : undefined;
  const template = isPlainObject(spec) ? spec['template'] : undefined;
  const sets = [annotationsAt(object), annotationsAt(template)];
  const apiVersion = isPlainObject(object) ? object['apiVersion'] : undefined;
  const bitnami =
    apiVersion === BITNAMI_API_VERSION || (apiVersion === 'v1' && isPlainObject(object) && object['kind'] === 'Secret');
  const namespaceKeys: string[] = [Annotation.NamespaceWide, ...(bitnami ? [Annotation.BitnamiNamespaceWide] : [])];
  const clusterKeys: string[] = [Annotation.ClusterWide, ...(bitnami ? [Annotation.BitnamiClusterWide] : [])];
  const isSet = (keys: string[]): boolean => sets.some((set) => keys.some((key) => set[key] === 'true'));
  const namespaceWide = isSet(namespaceKeys);
  const clusterWide = isSet(clusterKeys);
  if (namespaceWide && clusterWide) {
    throw new ManifestError(
      ManifestErrorCode.ScopeConflict,
      `${describeObjectInFile(object, source)}: both namespace-wide and cluster-wide scope annotations are set`,
    );
  }
  if (clusterWide) return Scope.ClusterWide;
  return namespaceWide ? Scope.NamespaceWide : Scope.Strict;
}
