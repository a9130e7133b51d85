import { CryptoError, CryptoErrorCode } from './errors.js';

/** How far a sealed value may travel: bound to one object, to one namespace, or anywhere in the cluster. */
export const Scope = {
  Strict: 'strict',
  NamespaceWide: 'namespace-wide',
  ClusterWide: 'cluster-wide',
} as const;
export type Scope = (typeof Scope)[keyof typeof Scope];

const SCOPES: readonly string[] = Object.values(Scope);

export function isScope(value: string): value is Scope {
  return SCOPES.includes(value);
}

/**
 * The scope label that is bound into every sealed value (the Bitnami OAEP label): strict `namespace/name`,
 * namespace-wide `namespace`, cluster-wide empty.
 */
export function scopeLabel(scope: Scope, namespace: string | undefined, name: string | undefined): string {
  switch (scope) {
    case Scope.Strict:
      if (!namespace || !name) {
        throw new CryptoError(CryptoErrorCode.InvalidScope, 'strict scope needs both a namespace and a name');
      }
      return `${namespace}/${name}`;
    case Scope.NamespaceWide:
      if (!namespace) {
        throw new CryptoError(CryptoErrorCode.InvalidScope, 'namespace-wide scope needs a namespace');
      }
      return namespace;
    case Scope.ClusterWide:
      return '';
    default:
      throw new CryptoError(CryptoErrorCode.InvalidScope, `unknown scope "${String(scope)}"`);
  }
}

/** A scope label for messages; labels are not secret. */
export function describeScopeLabel(label: string): string {
  return label === '' ? 'cluster-wide (empty label)' : `"${label}"`;
}
