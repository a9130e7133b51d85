import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { ControlPlane } from '../cluster/index.js';
import { writeKubeconfig } from '../cluster/kubeconfig.js';
import { kubeConfigFor } from './kube-config-for.js';

export interface ServiceAccountKubeConfig {
  /** The kubeconfig file: the control plane's server and CA, and the bearer token as the only credential. */
  readonly path: string;
  readonly kubeConfig: KubeConfig;
  /** `system:serviceaccount:<namespace>:<name>`, the user the API server sees. */
  readonly user: string;
}

export interface ServiceAccountKubeConfigOptions {
  readonly namespace: string;
  readonly name: string;
  /** Default: one hour, the API server's minimum is ten minutes. */
  readonly expirationSeconds?: number;
}

/**
 * Asks the TokenRequest API (as admin) for a token of an existing ServiceAccount and writes a kubeconfig that uses
 * only that token, as a pod's projected token would be used. There is no kube-controller-manager here, so no
 * legacy token Secrets exist: this is the only way to act as a ServiceAccount for real rather than by impersonation.
 */
export async function serviceAccountKubeConfig(
  plane: ControlPlane,
  options: ServiceAccountKubeConfigOptions,
): Promise<ServiceAccountKubeConfig> {
  const { namespace, name } = options;
  const admin = kubeConfigFor(plane.kubeconfigPath).makeApiClient(CoreV1Api);
  const request = await admin.createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { audiences: [], expirationSeconds: options.expirationSeconds ?? 3600 } },
  });
  const token = request.status?.token;
  if (!token) throw new Error(`TokenRequest for ServiceAccount ${namespace}/${name} returned no token`);
  const user = `system:serviceaccount:${namespace}:${name}`;
  const path = join(plane.dir, `kubeconfig-sa-${namespace}-${name}`);
  await writeKubeconfig(path, { server: plane.server, caPem: plane.caPem, user, token });
  return { path, kubeConfig: kubeConfigFor(path), user };
}
