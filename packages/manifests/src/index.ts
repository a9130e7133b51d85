export { canonicalJson } from './canonical-json.js';
export { definedFields } from './defined-fields.js';
export { ManifestError, ManifestErrorCode } from './errors.js';
export {
  BITNAMI_API_VERSION,
  BITNAMI_GROUP,
  GITSEAL_API_VERSION,
  GITSEAL_GROUP,
  type SealedSecretApiVersion,
} from './api-versions.js';
export { Annotation, Label, ProducedSecret, SEALING_KEY_ACTIVE } from './annotations.js';
export { isPlainObject, type KubeObject, type OwnerReference } from './object-meta.js';
export { SecretType, type Secret } from './secret.js';
export { type SealedSecret, type SealedSecretTemplate } from './sealed-secret.js';
export {
  type GitRef,
  type GitSync,
  type GitSyncHistoryEntry,
  type GitSyncStatus,
  type HealthCheckSpec,
  type HelmSpec,
  type HelmValuesReference,
  type IgnoreDifferencesRule,
  type InventoryEntry,
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
export { describeObjectInFile } from './describe-object-in-file.js';
export { decodeUtf8Text } from './utf8-text.js';
export type { JsonValue } from './to-json-value.js';
export { loadDocuments, parseManifests, type ManifestLimits, type ParsedManifest } from './parse-manifests.js';
export { readSecret } from './secret-input.js';
export { scopeOf } from './scope-of.js';
export { buildSealedSecret } from './sealed-secret-builder.js';
export { validateSealedSecret } from './validate-sealed-secret.js';
export { formatManifests } from './write-manifests.js';
export { replaceEncryptedData } from './edit-encrypted-data.js';
export { findDuplicateJsonKey } from './json-input.js';
export {
  UiHealth,
  UiObjectSync,
  UiSyncState,
  type UiActionResult,
  type UiDetailMessage,
  type UiError,
  type UiEvent,
  type UiGitSyncDetail,
  type UiGitSyncSummary,
  type UiHistoryEntry,
  type UiObjectHealth,
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
} from './ui-api.js';
