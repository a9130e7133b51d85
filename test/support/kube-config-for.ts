import { KubeConfig } from '@kubernetes/client-node';

/** A client-node KubeConfig loaded from one kubeconfig file (e.g. ControlPlane.kubeconfigPath). */
export function kubeConfigFor(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}
