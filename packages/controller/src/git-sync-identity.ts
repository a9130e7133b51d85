import type { GitSync } from '@gitseal/manifests';
import type { TenancyOptions } from './flags.js';

/** Reasons a GitSync is refused before anything is fetched. */
export const TenancyReason = {
  ServiceAccountRequired: 'ServiceAccountRequired',
  ServiceAccountNotAllowed: 'ServiceAccountNotAllowed',
  CrossNamespaceReference: 'CrossNamespaceReference',
} as const;
export type TenancyReason = (typeof TenancyReason)[keyof typeof TenancyReason];

/** Who a GitSync acts as: the controller itself (platform GitSyncs only) or a ServiceAccount of its namespace. */
export type GitSyncIdentity =
  | { readonly kind: 'controller' }
  | { readonly kind: 'serviceAccount'; readonly namespace: string; readonly name: string };

export type IdentityDecision =
  | { readonly ok: true; readonly identity: GitSyncIdentity; readonly tenant: boolean }
  | { readonly ok: false; readonly reason: TenancyReason; readonly message: string };

function crossNamespaceRef(gitSync: GitSync, namespace: string): string | undefined {
  const { spec } = gitSync;
  if (spec.targetNamespace !== undefined && spec.targetNamespace !== namespace) {
    return `spec.targetNamespace: "${spec.targetNamespace}" is not this GitSync's namespace`;
  }
  const index = (spec.dependsOn ?? []).findIndex((d) => d.namespace !== undefined && d.namespace !== namespace);
  if (index >= 0) return `spec.dependsOn[${index}]: names another namespace`;
  return undefined;
}

/**
 * Decides who a GitSync acts as, and refuses what tenancy forbids, from the spec alone (no API reads, so nothing
 * about other namespaces can leak into the message):
 * - in the controller's namespace: spec.serviceAccountName if set, else the controller's own identity;
 * - elsewhere (a tenant): spec.serviceAccountName, else `--default-service-account`, else refused
 *   (ServiceAccountRequired) — never the controller's identity; the name must be allowed by
 *   `--allowed-service-accounts`; without `--cross-namespace-refs`, targetNamespace and dependsOn stay in the
 *   GitSync's namespace.
 */
export function decideIdentity(
  gitSync: GitSync,
  controllerNamespace: string,
  policy: TenancyOptions,
): IdentityDecision {
  const namespace = gitSync.metadata.namespace ?? 'default';
  if (namespace !== controllerNamespace && !policy.crossNamespaceRefs) {
    const cross = crossNamespaceRef(gitSync, namespace);
    if (cross) {
      return {
        ok: false,
        reason: TenancyReason.CrossNamespaceReference,
        message: `${cross} (cross-namespace references are off for GitSyncs outside ${controllerNamespace})`,
      };
    }
  }
  return decideAccount(
    {
      namespace,
      serviceAccountName: gitSync.spec.serviceAccountName,
      what: 'GitSyncs',
      purpose: 'apply these objects',
    },
    controllerNamespace,
    policy,
  );
}

/** Who acts for an object of `namespace` that names `serviceAccountName` (or not). */
export interface AccountRequest {
  readonly namespace: string;
  readonly serviceAccountName: string | undefined;
  /** The objects, plural, for messages: `GitSyncs`, `NotificationProviders`. */
  readonly what: string;
  /** What the account must be allowed to do, for the message when none is named: `read its Secret`. */
  readonly purpose: string;
}

/**
 * The identity rule every namespaced gitseal object that acts in the cluster follows: in the controller's namespace
 * its named ServiceAccount or the controller; elsewhere its named ServiceAccount, else `--default-service-account`,
 * else refused, and only names `--allowed-service-accounts` lists.
 */
export function decideAccount(
  request: AccountRequest,
  controllerNamespace: string,
  policy: TenancyOptions,
): IdentityDecision {
  const { namespace, serviceAccountName: named } = request;
  if (namespace === controllerNamespace) {
    const identity: GitSyncIdentity = named
      ? { kind: 'serviceAccount', namespace, name: named }
      : { kind: 'controller' };
    return { ok: true, identity, tenant: false };
  }
  const name = named ?? policy.defaultServiceAccount;
  if (!name) {
    return {
      ok: false,
      reason: TenancyReason.ServiceAccountRequired,
      message: `set spec.serviceAccountName to a ServiceAccount of namespace ${namespace} that may ${request.purpose} (${request.what} outside ${controllerNamespace} never use the controller's identity)`,
    };
  }
  if (policy.allowedServiceAccounts.length > 0 && !policy.allowedServiceAccounts.includes(name)) {
    return {
      ok: false,
      reason: TenancyReason.ServiceAccountNotAllowed,
      message: `spec.serviceAccountName: "${name}" is not one of the ServiceAccounts ${request.what} may use (${policy.allowedServiceAccounts.join(', ')})`,
    };
  }
  return { ok: true, identity: { kind: 'serviceAccount', namespace, name }, tenant: true };
}
