export { crdPath, installCrd } from './install-crd.js';
export { impersonating, kubeConfigFor } from './kube-config-for.js';
export {
  asKubectlList,
  kubectl,
  kubectlOk,
  parseRendered,
  renderKustomize,
  type KubectlRun,
  type RenderedObject,
} from './kubectl.js';
export { runCommand, runCommandOk, type CommandOptions, type CommandRun } from './run-command.js';
export {
  serviceAccountKubeConfig,
  type ServiceAccountKubeConfig,
  type ServiceAccountKubeConfigOptions,
} from './service-account-kube-config.js';
export { isCI, sharedControlPlane, type SharedControlPlane } from './shared-control-plane.js';
export { createNamespaceWithAccount, createTestNamespace, TEST_NAMESPACE_LABEL } from './test-namespace.js';
export type { ControlPlane } from '../cluster/index.js';
export { nodeCluster, NODE_CLUSTER_ENV, type NodeClusterInfo } from './node-cluster-env.js';
export {
  indexRepository,
  makeTestTls,
  packageChart,
  pushChart,
  startChartRepository,
  startOciRegistry,
  writeChart,
  type ChartRepository,
  type ChartRepositoryOptions,
  type ChartRequest,
  type OciRegistry,
  type TestCredentials,
  type TestTls,
} from './chart-servers.js';
export { waitFor } from './wait-for.js';
export {
  loadVectorCases,
  loadVectorKeys,
  vectorKey,
  VECTORS_DIR,
  type VectorCase,
  type VectorKey,
} from './bitnami-vectors.js';
