// deploy/base as a user installs it, minus the Deployment (the API-only control plane runs no Pods): the
// controller then runs as a process on a TokenRequest token of its ServiceAccount, bound to exactly the base's RBAC.
import {
  asKubectlList,
  kubeConfigFor,
  kubectlOk,
  renderKustomize,
  serviceAccountKubeConfig,
  type ControlPlane,
  type RenderedObject,
} from '../support/index.js';
import type { KubeConfig } from '@kubernetes/client-node';
import { Cluster } from './controller-harness.js';

export const SYSTEM_NAMESPACE = 'gitseal-system';
export const SERVICE_ACCOUNT = 'gitseal-controller';
export const CONTROLLER_USER = `system:serviceaccount:${SYSTEM_NAMESPACE}:${SERVICE_ACCOUNT}`;

export interface BaseInstall {
  readonly plane: ControlPlane;
  /** Admin: the test's own reads, and what users would create. */
  readonly admin: Cluster;
  /** A bearer token of gitseal-system/gitseal-controller, and nothing else. */
  readonly controllerKubeconfig: string;
  readonly controllerKc: KubeConfig;
  /** Everything the base renders. */
  readonly objects: readonly RenderedObject[];
  /** What was applied (all but the Deployment). */
  readonly applied: readonly RenderedObject[];
}

/** Server-side apply: the CRDs are too big for kubectl's last-applied annotation, and a re-apply drops a rule. */
export function applyArgs(adminKubeconfig: string, manager: string): string[] {
  return [
    '--kubeconfig',
    adminKubeconfig,
    'apply',
    '--server-side',
    '--force-conflicts',
    `--field-manager=${manager}`,
    '-f',
    '-',
  ];
}

/** Applies deploy/base (all but the Deployment) as rendered, waits for its CRDs, and mints the controller's token. */
export async function installBase(plane: ControlPlane, manager: string): Promise<BaseInstall> {
  const objects = await renderKustomize('deploy/base');
  const applied = objects.filter((o) => o.kind !== 'Deployment');
  await kubectlOk(applyArgs(plane.kubeconfigPath, manager), asKubectlList(applied));
  const crds = applied.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => `crd/${o.metadata.name}`);
  await kubectlOk([
    '--kubeconfig',
    plane.kubeconfigPath,
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    ...crds,
  ]);
  const sa = await serviceAccountKubeConfig(plane, { namespace: SYSTEM_NAMESPACE, name: SERVICE_ACCOUNT });
  return {
    plane,
    admin: new Cluster(kubeConfigFor(plane.kubeconfigPath)),
    controllerKubeconfig: sa.path,
    controllerKc: sa.kubeConfig,
    objects,
    applied,
  };
}

/** For `after`: deletes the cluster-scoped objects of the base (namespaces stay Terminating without a GC). */
export async function removeBase(adminKubeconfig: string, applied: readonly RenderedObject[]): Promise<void> {
  const clusterScoped = applied.filter((o) => o.metadata.namespace === undefined && o.kind !== 'Namespace');
  if (clusterScoped.length === 0) return;
  const del = ['--kubeconfig', adminKubeconfig, 'delete', '--ignore-not-found', '--wait=false', '-f', '-'];
  await kubectlOk(del, asKubectlList(clusterScoped));
}
