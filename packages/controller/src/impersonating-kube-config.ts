import type { KubeConfig } from '@kubernetes/client-node';
import { KubeError, KubeErrorCode, shareAgents } from '@gitseal/kube';

/**
 * A copy of `kc` whose current user impersonates `system:serviceaccount:<namespace>:<name>` (client-node sends
 * `Impersonate-User` for a user with `impersonateUser`): every request then has exactly that account's rights.
 */
export function impersonatingKubeConfig(kc: KubeConfig, namespace: string, serviceAccount: string): KubeConfig {
  const user = kc.getCurrentUser();
  const context = kc.getContextObject(kc.getCurrentContext());
  if (!user || !context)
    throw new KubeError(KubeErrorCode.ConfigInvalid, 'kubeconfig has no current user to impersonate with');
  const name = `${user.name}-as-${namespace}-${serviceAccount}`;
  // The same class as `kc` (client-node is @gitseal/kube's dependency, not ours).
  const copy = new (kc.constructor as new () => KubeConfig)();
  copy.loadFromOptions({
    clusters: kc.clusters,
    users: [...kc.users, { ...user, name, impersonateUser: `system:serviceaccount:${namespace}:${serviceAccount}` }],
    contexts: [...kc.contexts, { ...context, name, user: name }],
    currentContext: name,
  });
  return shareAgents(copy);
}
