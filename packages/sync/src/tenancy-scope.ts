import { describeObjectInFile, Label, type InventoryEntry, type KubeObject } from '@gitseal/manifests';
import { parseInventoryEntry } from './inventory.js';
import { groupOf } from './object-ref.js';
import type { RenderedObject } from './render.js';
import { SyncError, SyncErrorCode } from './sync-error.js';

/** gitseal's own objects in the controller's namespace, by kind (see the controller's key manager and lease). */
export interface GitsealObjects {
  /** The controller's namespace: keys, `gitseal-certs`, the Lease, the controller's Deployment and RBAC. */
  readonly controllerNamespace: string;
  /** ConfigMap names gitseal publishes (default `gitseal-certs`). */
  readonly configMaps: readonly string[];
  /** Lease names gitseal holds (default `gitseal-controller`). */
  readonly leases: readonly string[];
  /** Name prefixes of the sealing-key Secrets (default `gitseal-key-`). */
  readonly keySecretPrefixes: readonly string[];
}

/** Where a GitSync may write, decided by where it lives (see docs/security.md, "Tenancy"). */
export interface TenancyScope {
  readonly gitseal: GitsealObjects;
  /** The GitSync's own namespace. */
  readonly namespace: string;
  /**
   * A tenant GitSync lives outside the controller's namespace: it never writes into the controller's namespace or
   * gitseal's cluster-scoped objects, and with `ownNamespaceOnly` nothing outside its own namespace.
   */
  readonly tenant: boolean;
  /** `--no-cross-namespace-refs` (the default): tenants write only into their own namespace. */
  readonly ownNamespaceOnly: boolean;
}

const GITSEAL_GROUPS = new Set(['gitseal.dev']);
const GITSEAL_NAME = /^gitseal(?:[-.:]|$)/;
const GITSEAL_CRD = /\.gitseal\.dev$|^sealedsecrets\.bitnami\.com$/;
const KEY_LABELS = [Label.SealingKey, Label.BitnamiSealingKey];

function labelsOf(object: KubeObject): Record<string, unknown> {
  const direct = object.metadata?.labels ?? {};
  // A SealedSecret carries the labels of the Secret it produces in spec.template.metadata.
  const template = (object['spec'] as { template?: { metadata?: { labels?: Record<string, unknown> } } } | undefined)
    ?.template?.metadata?.labels;
  return { ...template, ...direct };
}

/** Why `object` is one of gitseal's own (any GitSync must leave it alone), or undefined. */
function protectedForEveryone(object: KubeObject, gitseal: GitsealObjects): string | undefined {
  const labels = labelsOf(object);
  if (KEY_LABELS.some((label) => label in labels)) return 'carries a sealing-key label';
  const { namespace, name = '' } = object.metadata ?? {};
  if (namespace !== gitseal.controllerNamespace) return undefined;
  const group = groupOf(object.apiVersion);
  if (group === '' && object.kind === 'ConfigMap' && gitseal.configMaps.includes(name)) {
    return "is gitseal's published certificate";
  }
  if (group === 'coordination.k8s.io' && object.kind === 'Lease' && gitseal.leases.includes(name)) {
    return "is gitseal's leader-election Lease";
  }
  const secretLike = (group === '' && object.kind === 'Secret') || object.kind === 'SealedSecret';
  if (secretLike && gitseal.keySecretPrefixes.some((prefix) => name.startsWith(prefix))) {
    return "is named like gitseal's sealing keys";
  }
  return undefined;
}

/** Why a tenant must not write `object` even when its ServiceAccount could, or undefined. */
function protectedFromTenants(object: KubeObject, gitseal: GitsealObjects): string | undefined {
  const { namespace, name = '' } = object.metadata ?? {};
  if (namespace === gitseal.controllerNamespace) return `is in the controller's namespace ${namespace}`;
  const group = groupOf(object.apiVersion);
  if (group === '' && object.kind === 'Namespace' && name === gitseal.controllerNamespace) {
    return "is the controller's namespace";
  }
  if (namespace !== undefined) return undefined;
  if (object.kind === 'CustomResourceDefinition' && GITSEAL_CRD.test(name)) return "is one of gitseal's CRDs";
  if (GITSEAL_GROUPS.has(group)) return undefined;
  if (group === 'rbac.authorization.k8s.io' && GITSEAL_NAME.test(name)) return "is one of gitseal's cluster roles";
  if (group === 'admissionregistration.k8s.io' && GITSEAL_NAME.test(name)) return "is one of gitseal's webhooks";
  return undefined;
}

function refusal(item: RenderedObject, why: string): string {
  return `${describeObjectInFile(item.object, item.source)}: ${why}`;
}

function moreOf(messages: readonly string[]): string {
  return messages.length > 1 ? ` (and ${messages.length - 1} more)` : '';
}

/**
 * Checks a rendered revision against where its GitSync may write, before anything is written. Throws a
 * SyncError (ProtectedObject or ObjectOutsideNamespace) naming the first offending file and object.
 * Objects must already carry their final namespace (after targetNamespace defaulting); cluster-scoped ones have none.
 */
export function checkTenancyScope(objects: readonly RenderedObject[], scope: TenancyScope): void {
  const protectedObjects: string[] = [];
  const outside: string[] = [];
  for (const item of objects) {
    const why =
      protectedForEveryone(item.object, scope.gitseal) ??
      (scope.tenant ? protectedFromTenants(item.object, scope.gitseal) : undefined);
    if (why) {
      protectedObjects.push(refusal(item, `${why}; GitSyncs may not write it`));
      continue;
    }
    if (!scope.tenant || !scope.ownNamespaceOnly) continue;
    const namespace = item.object.metadata?.namespace;
    if (namespace === scope.namespace) continue;
    const where = namespace === undefined ? 'is cluster-scoped' : `is in namespace ${namespace}`;
    outside.push(
      refusal(item, `${where}; a GitSync outside the controller's namespace writes only into ${scope.namespace}`),
    );
  }
  if (protectedObjects.length > 0) {
    throw new SyncError(SyncErrorCode.ProtectedObject, `${protectedObjects[0]}${moreOf(protectedObjects)}`);
  }
  if (outside.length > 0) {
    throw new SyncError(SyncErrorCode.OutsideNamespace, `${outside[0]}${moreOf(outside)}`);
  }
}

/**
 * The inventory entries a GitSync may prune: a tenant's entries in the controller's namespace, or (own namespace
 * only) outside its namespace, are dropped — such entries were written before a lockdown, or forged.
 */
export function inventoryInScope(inventory: readonly InventoryEntry[], scope: TenancyScope): InventoryEntry[] {
  if (!scope.tenant) return [...inventory];
  return inventory.filter((entry) => {
    const ref = parseInventoryEntry(entry);
    if (!ref) return false;
    const namespace = ref.namespace;
    if (namespace === scope.gitseal.controllerNamespace) return false;
    return !scope.ownNamespaceOnly || namespace === scope.namespace;
  });
}
