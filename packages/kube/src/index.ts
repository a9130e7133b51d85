export {
  clientNodeSource,
  ClientNodeSource,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  V1MicroTime,
  Watch,
} from './client-node.js';
export { KubeError, KubeErrorCode, type KubeErrorDetails } from './kube-error.js';
export { fencedWrite } from './fenced-write.js';
export { CODED_ERROR_NAMES, isCodedError, unexpectedError } from '@gitseal/crypto';
export {
  apiErrorStatus,
  describeApiError,
  isAlreadyExists,
  isForbidden,
  isConflict,
  isGone,
  isNotFound,
  readApiError,
  safeErrorMessage,
  toKubeError,
  type ApiErrorInfo,
} from './api-error.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export {
  currentNamespace,
  KubeConfigSource,
  loadKubeConfig,
  resolveKubeConfig,
  type LoadedKubeConfig,
  type LoadKubeConfigOptions,
} from './kube-config.js';
export {
  apiVersionPath,
  describeObject,
  objectKey,
  resourcePath,
  Resources,
  splitObjectKey,
  type ResourceType,
} from './resource.js';
export {
  createApiDiscovery,
  type ApiDiscovery,
  type ApiDiscoveryOptions,
  type ServedResource,
} from './api-discovery.js';
export {
  apiVersionsOf,
  createClusterCapabilities,
  type ClusterCapabilities,
  type ClusterCapabilitiesOptions,
} from './cluster-capabilities.js';
export { describeCauses, statusCauses, type StatusCause } from './status-causes.js';
export { assertOk, getJson, requestRaw, type RawRequest, type RawResponse } from './raw-request.js';
export {
  createObject,
  replaceObject,
  type RawObject,
  type ReplaceObjectOptions,
  type WriteObjectOptions,
} from './write-object.js';
export { diffRelist, type RelistChanges } from './relist-diff.js';
export {
  createInformer,
  Informer,
  type AddHandler,
  type DeleteHandler,
  type InformerOptions,
  type InformerStats,
  type UpdateHandler,
} from './informer.js';
export { stripManagedFields } from './strip-managed-fields.js';
export { shareAgents } from './shared-agents.js';
export { WorkQueue, type ProcessKey, type WorkQueueOptions } from './work-queue.js';
export {
  applyObject,
  deleteObject,
  listObjects,
  makeObjectApi,
  prepareForApply,
  readObject,
  type ApplyOptions,
  type DeleteOptions,
  type ObjectReference,
} from './server-side-apply.js';
export {
  createLeaderElector,
  defaultIdentity,
  isLeaseExpired,
  LeaderElector,
  type LeaderElectionOptions,
} from './leader-election.js';
export {
  buildEvent,
  EventRecorder,
  EventType,
  recordEvent,
  type EventInput,
  type EventRecorderOptions,
  type InvolvedObject,
} from './events.js';
export { getViaServiceProxy, serviceProxyPath, type ServiceProxyRequest } from './service-proxy.js';
export {
  makeCustomObjectsApi,
  patchStatus,
  replaceStatus,
  type StatusTarget,
  type StatusWriteOptions,
} from './status.js';
export {
  ConditionStatus,
  findCondition,
  formatKubeTime,
  isConditionTrue,
  MAX_CONDITION_MESSAGE_LENGTH,
  removeCondition,
  setCondition,
  type Condition,
  type ConditionInput,
} from './conditions.js';
