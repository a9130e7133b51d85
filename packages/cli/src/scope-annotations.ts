import { Scope } from '@gitseal/crypto';
import { Annotation, BITNAMI_API_VERSION } from '@gitseal/manifests';

const SCOPE_ANNOTATIONS: readonly string[] = [
  Annotation.NamespaceWide,
  Annotation.ClusterWide,
  Annotation.BitnamiNamespaceWide,
  Annotation.BitnamiClusterWide,
];

/** Drops every scope annotation (both families); the scope is written once, in the output's own family. */
export function withoutScopeAnnotations(annotations: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(annotations ?? {}).filter(([key]) => !SCOPE_ANNOTATIONS.includes(key)));
}

/**
 * The annotations that mark a SealedSecret's scope: `gitseal.dev/*` for gitseal.dev objects,
 * `sealedsecrets.bitnami.com/*` for bitnami.com ones; none for strict.
 */
export function scopeAnnotations(scope: Scope, apiVersion: string): Record<string, string> {
  const bitnami = apiVersion === BITNAMI_API_VERSION;
  switch (scope) {
    case Scope.NamespaceWide:
      return { [bitnami ? Annotation.BitnamiNamespaceWide : Annotation.NamespaceWide]: 'true' };
    case Scope.ClusterWide:
      return { [bitnami ? Annotation.BitnamiClusterWide : Annotation.ClusterWide]: 'true' };
    default:
      return {};
  }
}
