export const GITSEAL_GROUP = 'gitseal.dev';
export const BITNAMI_GROUP = 'bitnami.com';
export const GITSEAL_API_VERSION = 'gitseal.dev/v1alpha1';
export const BITNAMI_API_VERSION = 'bitnami.com/v1alpha1';

export const Kind = {
  SealedSecret: 'SealedSecret',
  GitSync: 'GitSync',
  Secret: 'Secret',
  List: 'List',
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export const SEALED_SECRET_API_VERSIONS = [GITSEAL_API_VERSION, BITNAMI_API_VERSION] as const;
export type SealedSecretApiVersion = (typeof SEALED_SECRET_API_VERSIONS)[number];

export function isSealedSecretApiVersion(value: unknown): value is SealedSecretApiVersion {
  return value === GITSEAL_API_VERSION || value === BITNAMI_API_VERSION;
}
