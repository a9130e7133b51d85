import { randomBytes } from 'node:crypto';
import { CoreV1Api, RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';

/** Label on every namespace a test creates. */
export const TEST_NAMESPACE_LABEL = 'gitseal.dev/test';

/**
 * Creates a fresh namespace `<prefix>-<random>` for one test and returns its name. Nothing deletes it: without
 * kube-controller-manager a deleted namespace stays Terminating, and the control plane is thrown away per file.
 */
export async function createTestNamespace(kc: KubeConfig, prefix: string): Promise<string> {
  const base =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || 'test';
  const name = `${base}-${randomBytes(3).toString('hex')}`;
  await kc
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name, labels: { [TEST_NAMESPACE_LABEL]: 'true' } } } });
  return name;
}

/**
 * A fresh namespace holding the ServiceAccount `account`, bound (by a RoleBinding, so only inside this namespace)
 * to the built-in `cluster-admin` ClusterRole: all rights in its namespace, none outside. What tenant GitSyncs
 * impersonate in the tests.
 */
export async function createNamespaceWithAccount(kc: KubeConfig, prefix: string, account: string): Promise<string> {
  const namespace = await createTestNamespace(kc, prefix);
  await kc
    .makeApiClient(CoreV1Api)
    .createNamespacedServiceAccount({ namespace, body: { metadata: { name: account } } });
  await kc.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: account },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: account, namespace }],
    },
  });
  return namespace;
}
