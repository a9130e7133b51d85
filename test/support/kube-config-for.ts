import { KubeConfig } from '@kubernetes/client-node';

/** A client-node KubeConfig loaded from one kubeconfig file (e.g. ControlPlane.kubeconfigPath). */
export function kubeConfigFor(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** A copy of `kc` whose requests impersonate `user` (client-node sends `Impersonate-User`). */
export function impersonating(kc: KubeConfig, user: string): KubeConfig {
  const current = kc.getCurrentUser();
  const context = kc.getContextObject(kc.getCurrentContext());
  if (!current || !context) throw new Error('kubeconfig has no current user and context to impersonate with');
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: kc.clusters,
    users: [{ ...current, name: user, impersonateUser: user }],
    contexts: [{ ...context, name: user, user }],
    currentContext: user,
  });
  return copy;
}
