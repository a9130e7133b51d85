import type { Condition, ObjectMeta } from './object-meta.js';

/** Exactly one of these selects the revision; `commit` may be combined with `branch` to pin within it. */
export interface GitRef {
  branch?: string;
  tag?: string;
  semver?: string;
  commit?: string;
}

export interface LocalObjectReference {
  name: string;
}

export interface NamespacedObjectReference {
  name: string;
  namespace?: string;
}

export interface GitSource {
  url: string;
  ref?: GitRef;
  /** Directory inside the repository to render; defaults to the root. */
  path?: string;
  /** Secret in the GitSync's namespace with Git credentials. */
  secretRef?: LocalObjectReference;
}

/**
 * Fields of applied objects that something else owns (an HPA, a mutating webhook): apply keeps their live
 * values and drift in them is not corrected (Argo CD's ignoreDifferences with RespectIgnoreDifferences).
 */
export interface IgnoreDifferencesRule {
  /** API group; absent matches every group, empty is the core group. */
  group?: string;
  kind: string;
  /** Absent: every object of the kind. */
  name?: string;
  namespace?: string;
  /** RFC 6901 pointers, e.g. `/spec/replicas`. */
  jsonPointers: string[];
}

export interface GitSyncSpec {
  source: GitSource;
  /** Go-style duration, e.g. `5m` (the CRD defaults it to `5m`). */
  interval?: string;
  prune?: boolean;
  selfHeal?: boolean;
  suspend?: boolean;
  timeout?: string;
  wait?: boolean;
  targetNamespace?: string;
  /** Create targetNamespace (as the GitSync's identity) when it does not exist. */
  createNamespace?: boolean;
  dependsOn?: NamespacedObjectReference[];
  serviceAccountName?: string;
  /** Allow plain (unsealed) Secrets in the rendered manifests. */
  allowPlainSecrets?: boolean;
  /** Allow a revision that renders no objects (otherwise it is refused, so a bad path cannot prune everything). */
  allowEmpty?: boolean;
  webhookSecretRef?: LocalObjectReference;
  /** Per-kind health rules (CEL), like Flux's `healthCheckExprs`; they replace the built-in rules for that kind. */
  healthChecks?: HealthCheckSpec[];
  ignoreDifferences?: IgnoreDifferencesRule[];
}

/**
 * A health rule for one kind: CEL expressions over the live object's top-level fields (`metadata`, `spec`,
 * `status`, ...). Evaluated in the order inProgress, failed, current; the first one true decides, none: InProgress.
 */
export interface HealthCheckSpec {
  apiVersion: string;
  kind: string;
  current: string;
  inProgress?: string;
  failed?: string;
}

export const GitSyncConditionType = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
} as const;
export type GitSyncConditionType = (typeof GitSyncConditionType)[keyof typeof GitSyncConditionType];

/** One object applied by a GitSync, as recorded for pruning (the CRD's `status.inventory.entries[]`). */
export interface InventoryEntry {
  /** `<namespace>_<name>_<group>_<kind>` (empty namespace when cluster-scoped, empty group for core). */
  id: string;
  /** The API version the object was applied with, e.g. `apps/v1`. */
  v: string;
}

export interface GitSyncInventory {
  /** Exactly the objects of the last successful revision. */
  entries: InventoryEntry[];
  /** Objects written by failed attempts since, not in `entries`; pruned like them once they leave Git. */
  pending?: InventoryEntry[];
}

/** One sync attempt, newest first in `status.history` (at most 10). */
export interface GitSyncHistoryEntry {
  revision: string;
  /** Digest of the rendered manifests, `sha256:<hex>`. */
  digest?: string;
  result: 'Succeeded' | 'Failed';
  /** RFC 3339 start of the attempt. */
  startedAt?: string;
  /** Go-style duration, e.g. `1.234s`. */
  duration?: string;
  objectsChanged?: number;
}

export interface GitSyncStatus {
  conditions?: Condition[];
  observedGeneration?: number;
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  inventory?: GitSyncInventory;
  history?: GitSyncHistoryEntry[];
  /** The value of the `gitseal.dev/requested-at` annotation the controller last handled (Flux's lastHandledReconcileAt). */
  lastHandledRequestedAt?: string;
}

export interface GitSync {
  apiVersion: 'gitseal.dev/v1alpha1';
  kind: 'GitSync';
  metadata: ObjectMeta & { name: string };
  spec: GitSyncSpec;
  status?: GitSyncStatus;
}
