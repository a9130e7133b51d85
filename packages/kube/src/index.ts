export { CoordinationV1Api } from './client-node.js';
export { KubeError, KubeErrorCode } from './kube-error.js';
export { isAlreadyExists, isForbidden, isConflict, isNotFound, safeErrorMessage, toKubeError } from './api-error.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { currentNamespace, loadKubeConfig, resolveKubeConfig } from './kube-config.js';
export {
  apiVersionPath,
  describeObject,
  namespacedName,
  resourcePath,
  Resources,
  type ResourceType,
} from './resource.js';
export { createApiDiscovery, type ApiDiscovery } from './api-discovery.js';
export { createClusterCapabilities, type ClusterCapabilities } from './cluster-capabilities.js';
export { assertOk, findJson, getJson, requestRaw } from './raw-request.js';
export { createObject, replaceObject } from './write-object.js';
export { createInformer, Informer } from './informer.js';
export { stripManagedFields } from './strip-managed-fields.js';
export { shareAgents } from './shared-agents.js';
export { WorkQueue } from './work-queue.js';
export { deleteObject, listObjects, makeObjectApi, readObject } from './object-api.js';
export { createRawApplier, type Applier, type RawObjectClient } from './raw-apply.js';
export { fencedWrite, type MayWrite } from './fenced-write.js';
export { createLeaderElector, defaultIdentity, LeaderElector } from './leader-election.js';
export { EventRecorder, EventType } from './events.js';
export { getViaServiceProxy } from './service-proxy.js';
export { makeCustomObjectsApi, patchStatus } from './status.js';
export { ConditionStatus, removeCondition, setCondition, type Condition } from './conditions.js';
