export {
  controlPlaneCacheDir,
  controlPlaneVersions,
  resolveControlPlaneBinaries,
  type ControlPlaneBinaries,
} from './binaries.js';
export { ClusterError, ClusterErrorCode } from './cluster-error.js';
export { registryCacheDir, registryVersion, resolveRegistryBinary } from './registry-binary.js';
export { helmCacheDir, helmPackage, helmVersion, resolveHelmBinary } from './helm-binary.js';
export { startControlPlane, type ControlPlane, type StartControlPlaneOptions } from './control-plane.js';
export { ADMIN_USER, NON_ADMIN_USER } from './identities.js';
export { stopRecordedControlPlane } from './stop-recorded.js';
