import type { ObservedCondition, ObjectMeta } from './object-meta.js';

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
  /** A Git repository; with `chart`, a Helm repository (`https://…`, its index.yaml) or an OCI registry (`oci://…`). */
  url: string;
  ref?: GitRef;
  /** Directory inside the repository to render (manifests, a kustomization or a Helm chart); defaults to the root. */
  path?: string;
  /** Secret in the GitSync's namespace with credentials for `url` (Git, or the chart repository). */
  secretRef?: LocalObjectReference;
  /** A chart from the Helm repository or OCI registry at `url` instead of a Git repository. */
  chart?: ChartReference;
}

export interface ChartReference {
  name: string;
  /** An exact version or a semver range (`>=1.2.0 <2`); default: the newest release. */
  version?: string;
}

/** A ConfigMap or Secret in the GitSync's namespace whose key holds Helm values (read as the GitSync's identity). */
export interface HelmValuesReference {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  /** Default `values.yaml`. */
  valuesKey?: string;
  /** A missing object or key is skipped instead of failing the sync. */
  optional?: boolean;
}

/** How a Helm chart is rendered (`helm template`), for a chart folder in Git or a chart from a repository. */
export interface HelmSpec {
  /** Default: the GitSync's name. */
  releaseName?: string;
  /** The release namespace; default spec.targetNamespace, else the GitSync's namespace. */
  namespace?: string;
  /** Values files, repository paths (Git sources only), applied in order before valuesFrom and values. */
  valuesFiles?: string[];
  /** Inline values, applied last. */
  values?: Record<string, unknown>;
  /** Values from ConfigMaps and Secrets, applied in order after valuesFiles. */
  valuesFrom?: HelmValuesReference[];
  /** Render the chart's crds/ folder too; default true (as `helm install` installs them). */
  includeCRDs?: boolean;
  /** Leave the chart's test hooks out; default true. */
  skipTests?: boolean;
  /** `.Capabilities.KubeVersion`; default the API server's version. */
  kubeVersion?: string;
  /** `.Capabilities.APIVersions`; default what the API server serves. */
  apiVersions?: string[];
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
  helm?: HelmSpec;
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
  /** Objects applied with a change plus objects pruned. */
  objectsChanged?: number;
  /** Objects the apply changed (created or updated). */
  applied?: number;
  /** Objects the apply left as they were. */
  unchanged?: number;
  pruned?: number;
  /** The chart rendered, `<name> <version>` (Helm sources). */
  chart?: string;
}

/** The Helm chart the last attempt rendered. */
export interface RenderedChartStatus {
  name: string;
  version: string;
}

export interface GitSyncStatus {
  conditions?: ObservedCondition[];
  observedGeneration?: number;
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  inventory?: GitSyncInventory;
  history?: GitSyncHistoryEntry[];
  /** The Helm chart of the last attempted revision, when it rendered one. */
  chart?: RenderedChartStatus;
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
