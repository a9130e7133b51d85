export { SyncError, SyncErrorCode, SyncReason } from './sync-error.js';
export { GitTransport, parseGitUrl, redactUrl, type GitUrl, type GitUrlPolicy } from './git-url.js';
export {
  DEFAULT_GIT_MAX_OUTPUT,
  DEFAULT_GIT_TIMEOUT_MS,
  gitEnvironment,
  hardenedGitConfig,
  runGit,
  summarizeGitError,
  type GitEnvironmentInput,
  type GitPolicy,
  type RunGitOptions,
} from './git-command.js';
export { gitAuthFromSecretData, setUpGitAuth, type GitAuth, type GitAuthSetup } from './git-auth.js';
export {
  compareVersions,
  maxSatisfyingTag,
  parseRange,
  parseVersion,
  satisfies,
  type Version,
  type VersionRange,
} from './semver-range.js';
export {
  checkGitRef,
  checkRefName,
  lsRemotePatterns,
  parseLsRemote,
  resolveRef,
  type RemoteRef,
  type RemoteRefs,
  type ResolvedRef,
} from './ref-resolve.js';
export {
  cacheRepoPath,
  fetchRevision,
  lsRemote,
  removeCheckout,
  resolveRevision,
  type FetchedRevision,
  type FetchRevisionInput,
  type GitSourceOptions,
  type LsRemoteOptions,
} from './git-source.js';
export { describeRef, groupOf, objectKey, objectRef, type ObjectRef } from './object-ref.js';
export { isInside, normalizeSourcePath, resolveSourceDir } from './source-path.js';
export {
  DEFAULT_KUSTOMIZE_COMMANDS,
  DEFAULT_KUSTOMIZE_MAX_OUTPUT,
  DEFAULT_KUSTOMIZE_TIMEOUT_MS,
  runKustomize,
  type KustomizeOptions,
} from './kustomize.js';
export { findKustomization, KUSTOMIZATION_FILES } from './kustomization-file.js';
export {
  checkKustomizationPaths,
  DEFAULT_KUSTOMIZATION_CHECK_LIMITS,
  type KustomizationCheckLimits,
} from './kustomization-paths.js';
export {
  DEFAULT_RENDER_LIMITS,
  renderSource,
  renderSourceAndChart,
  type RenderedObject,
  type RenderedSource,
  type RenderInput,
  type RenderLimits,
} from './render.js';
export type { HelmRenderSettings, RenderedChart } from './helm-settings.js';
export { helmSettingsFor, type HelmSettingsSources } from './helm-settings-for.js';
export { mergeValues, readValuesFrom } from './helm-values.js';
export { renderHelmChart, isChartFolder, readChartMetadata, type HelmChartInput } from './helm-chart.js';
export { DEFAULT_HELM_TIMEOUT_MS, type HelmTemplateOptions } from './helm-template.js';
export {
  preflight,
  verifyInThread,
  type SealedSecretToVerify,
  type SealedSecretVerifier,
  sealedSecretDigest,
  type PreflightCache,
  type PreflightFailure,
  type PreflightOptions,
  type PreflightResult,
} from './preflight.js';
export {
  applyTierOf,
  ApplyTier,
  BUILT_IN_GROUPS,
  orderForApply,
  secretsReferencedBy,
  type PlannedObject,
} from './apply-order.js';
export {
  buildInventory,
  inventoryEntry,
  inventoryId,
  parseInventoryEntry,
  type InventoryObject,
  type SyncInventoryEntry,
} from './inventory.js';
export { canonicalJson, revisionDigest } from './revision-digest.js';
export { PRUNE_ANNOTATION, SYNC_LABEL, syncLabel } from './sync-label.js';
export { planPrune, PruneSkipReason, type PlanPruneInput, type PrunePlan } from './prune.js';
export { planApply, type ApplyPlan } from './plan-apply.js';
export { removeUnusedGitCaches } from './git-cache-gc.js';
export { fencedWrite, fenceObjectApi, type MayWrite } from './write-fence.js';
export { resolveObjectScopes, scopeResolver, type ScopeOf } from './object-scope.js';
export { desiredObject, desiredObjects, targetNamespaceOf, type DesiredFor } from './desired-object.js';
export { pruneInventory, type PruneInventoryInput, type PruneInventoryResult } from './prune-inventory.js';
export {
  APPLIED_DIGEST_ANNOTATION,
  appliedDigest,
  appliedRecord,
  carriesDigestOf,
  isUnchanged,
  withAppliedDigest,
  type AppliedRecord,
} from './applied-digest.js';
export { decideApply, sameAsLive, type ApplyDecision, type ApplyDecisionInput } from './apply-decision.js';
export { checkSsaPolicies, SSA_ANNOTATION, SsaPolicy, ssaPolicyOf } from './ssa-policy.js';
export { ignoredPointers, withLiveValues, withoutPointers } from './ignore-differences.js';
export { JSON_POINTER_PATTERN, parseJsonPointer, type JsonPointer } from './json-pointer.js';
export {
  ownedMetadata,
  ownedMetadataDigest,
  pickOwnedMetadata,
  sameOwnedMetadata,
  type OwnedMetadata,
} from './owned-metadata.js';
export { commitOfRevision, healToLastApplied, type HealResult, type LastApplied } from './last-applied.js';
export { listLiveLabelled, liveScopes, type LiveLabelled, type LiveScope, type ObjectApi } from './live-objects.js';
export { checkOwnership, TAKEOVER_ANNOTATION, type OwnershipInput, type OwningGitSync } from './ownership.js';
export { checkTenancyScope, inventoryInScope, type GitsealObjects, type TenancyScope } from './tenancy-scope.js';
export { applyObjects, type ApplyObjectsInput, type ApplyObjectsResult } from './apply-objects.js';
export { pruneObjects } from './prune-objects.js';
export {
  createRawApplier,
  type Applier,
  type KubeConfigLike,
  type RawApplierOptions,
  type RawObjectClient,
} from './raw-apply.js';
export { HealthStatus, objectHealth, type Health, type HealthOptions } from './health.js';
export {
  compileHealthChecks,
  MAX_EXPRESSION_LENGTH,
  MAX_HEALTH_CHECKS,
  type CompiledHealthCheck,
  type HealthChecks,
} from './health-checks.js';
export { containerProblems, describeProblem, type ContainerProblem } from './pod-problems.js';
export { selectorString } from './workload-pods.js';
export { waitHealthy, type Unhealthy, type WaitHealthyInput, type WaitHealthyResult } from './wait-healthy.js';
export {
  childEnvironment,
  renderInChild,
  type RenderedRevision,
  type RenderInChildOptions,
} from './render-in-child.js';
export type { RenderRequest, RenderResponse } from './render-messages.js';
export {
  DEFAULT_RENDER_POOL,
  configureDefaultRenderPool,
  defaultRenderPool,
  RenderPool,
  type RenderPoolOptions,
  type RenderWorkerInfo,
} from './render-pool.js';
export { renderInputsKey } from './render-inputs.js';
export { ARGOCD_SYNC_WAVE_ANNOTATION, groupByWave, SYNC_WAVE_ANNOTATION, syncWaveOf, type Wave } from './sync-wave.js';
export {
  ARGOCD_HOOK_ANNOTATION,
  ARGOCD_HOOK_DELETE_POLICY_ANNOTATION,
  HOOK_ANNOTATION,
  HOOK_DELETE_POLICY_ANNOTATION,
  HOOK_LABEL,
  HOOK_OF_LABEL,
  HookDeletePolicy,
  HookPhase,
  hookKey,
  hooksOf,
  isHookObject,
  splitRevision,
  type PlannedHook,
  type SplitRevision,
} from './hook-phase.js';
export { HookState, hookOutcome, type HookOutcome } from './hook-status.js';
export { runHookList, runHooks, type HookRunContext } from './run-hooks.js';
export { applyWaves, planWaves, type ApplyWavesInput, type PlannedWave } from './apply-waves.js';
export { CREATED_BY_ANNOTATION, ensureTargetNamespace, type EnsureNamespaceInput } from './ensure-namespace.js';
export { applySyncPhases, runSyncFailHooks, type SyncPhasesInput, type SyncPhasesResult } from './sync-phases.js';
export { lastSyncedDigest } from './last-synced-digest.js';
export {
  createSyncState,
  SyncStage,
  syncRevision,
  type SyncResultKind,
  type SyncRevisionInput,
  type SyncRevisionResult,
  type SyncState,
} from './sync-revision.js';
export {
  chartError,
  DEFAULT_CHART_LIMITS,
  type ChartFetchOptions,
  type ChartSourceSpec,
  type ResolvedChart,
} from './chart-source.js';
export { fetchChart, resolveChart } from './chart-fetch.js';
export { chartSourceCacheDir } from './chart-cache.js';
export { vendorDependencies, type ChartDependency, type VendorOptions } from './chart-dependencies.js';
export { pickChartVersion } from './chart-version-pick.js';
