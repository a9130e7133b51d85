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

/** The longest scope label an object can have: a 63-character namespace, `/`, a 253-character name. */
export const MAX_SCOPE_LABEL_LENGTH = 63 + 1 + 253;

/** Control and format characters (C0, DEL, C1, bidi overrides, zero-width…): never part of a real label. */
export const SCOPE_LABEL_FORBIDDEN = /[\p{Cc}\p{Cf}]/u;

const DESCRIBED_LABEL_LENGTH = 80;

/**
 * A scope label for messages; labels are not secret, but one read from a v2 value is chosen by whoever wrote the
 * value: it is quoted with escapes (JSON string syntax, control and format characters as \uXXXX) and shortened.
 */
export function describeScopeLabel(label: string): string {
  if (label === '') return 'cluster-wide (empty label)';
  const chars = [...label];
  const short = chars.length > DESCRIBED_LABEL_LENGTH ? `${chars.slice(0, DESCRIBED_LABEL_LENGTH).join('')}…` : label;
  return JSON.stringify(short).replace(
    /[\p{Cc}\p{Cf}]/gu,
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}
