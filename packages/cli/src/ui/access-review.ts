import { assertOk, requestRaw } from '@gitseal/kube';
import type { KubeConfig } from '../kube-session.js';

export interface ResourceAttributes {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  /** Absent: all namespaces. */
  readonly namespace?: string;
  readonly name?: string;
}

/**
 * Asks the API server whether the kubeconfig's user may do `attributes` (SelfSubjectAccessReview, which every
 * authenticated user may create). An error answers false: an action the UI cannot vouch for stays disabled.
 */
export async function canI(kc: KubeConfig, attributes: ResourceAttributes): Promise<boolean> {
  try {
    const response = await requestRaw(kc, {
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: attributes },
      }),
      what: `access review ${attributes.verb} ${attributes.resource}`,
      timeoutMs: 10_000,
    });
    assertOk(response, 'access review');
    const review = JSON.parse(response.body.toString('utf8')) as { status?: { allowed?: boolean } };
    return review.status?.allowed === true;
  } catch {
    return false;
  }
}
