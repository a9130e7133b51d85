export { ManifestError, ManifestErrorCode } from './errors.js';
export {
  BITNAMI_API_VERSION,
  BITNAMI_GROUP,
  GITSEAL_API_VERSION,
  GITSEAL_GROUP,
  isSealedSecretApiVersion,
  Kind,
  SEALED_SECRET_API_VERSIONS,
  type SealedSecretApiVersion,
} from './api-versions.js';
export { Annotation, Label, ProducedSecret, SEALING_KEY_ACTIVE } from './annotations.js';
export { isPlainObject, type Condition, type KubeObject, type ObjectMeta, type OwnerReference } from './object-meta.js';
export { SecretType, type Secret } from './secret.js';
export {
  SealedSecretConditionType,
  type SealedSecret,
  type SealedSecretSpec,
  type SealedSecretStatus,
  type SealedSecretTemplate,
  type SecretTemplateMeta,
} from './sealed-secret.js';
export {
  GitSyncConditionType,
  type ChartReference,
  type GitRef,
  type GitSource,
  type GitSync,
  type GitSyncHistoryEntry,
  type GitSyncInventory,
  type GitSyncSpec,
  type GitSyncStatus,
  type HealthCheckSpec,
  type HelmSpec,
  type HelmValuesReference,
  type IgnoreDifferencesRule,
  type InventoryEntry,
  type LocalObjectReference,
  type NamespacedObjectReference,
  type RenderedChartStatus,
} from './git-sync.js';
export {
  NotificationEventKind,
  NotificationProviderType,
  NotificationSeverity,
  type NotificationAlert,
  type NotificationAlertSpec,
  type NotificationEventSource,
  type NotificationProvider,
  type NotificationProviderSpec,
  type NotificationStatus,
} from './notification.js';
export { isValidNamespace, isValidObjectName, isValidSecretKey } from './names.js';
export { describeObject } from './describe-object.js';
export { decodeUtf8Text } from './utf8-text.js';
export { KUBE_YAML_SCHEMA, resolveGoYamlNumber } from './kube-yaml-schema.js';
export type { JsonValue } from './to-json-value.js';
export {
  DEFAULT_MANIFEST_LIMITS,
  loadDocuments,
  parseManifests,
  type ManifestLimits,
  type ParsedManifest,
  type ParseManifestsOptions,
} from './parse-manifests.js';
export { readSecret, type SecretInput } from './secret-input.js';
export { scopeOf } from './scope-of.js';
export { buildSealedSecret, type BuildSealedSecretInput } from './sealed-secret-builder.js';
export { isSealedValueShape, validateSealedSecret } from './validate-sealed-secret.js';
export { formatManifests, ManifestFormat } from './write-manifests.js';
export { replaceEncryptedData, type ReplaceEncryptedDataOptions } from './edit-encrypted-data.js';
export { findDuplicateJsonKey, type JsonPosition } from './json-input.js';
export {
  UiHealth,
  UiObjectSync,
  UiSyncState,
  type UiActionResult,
  type UiCondition,
  type UiDetailMessage,
  type UiError,
  type UiEvent,
  type UiGitSyncDetail,
  type UiGitSyncSummary,
  type UiHistoryEntry,
  type UiObjectHealth,
  type UiOverviewMessage,
  type UiPermissions,
  type UiResource,
  type UiResourceGroup,
  type UiSession,
  type UiCertificate,
  type UiFieldChange,
  type UiKey,
  type UiKeyChange,
  type UiKeys,
  type UiObjectDiff,
  type UiScope,
  type UiSealedSecret,
  type UiSealedSecretsMessage,
} from './ui-api.js';
