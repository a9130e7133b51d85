import type { EventType } from '@gitseal/kube';
import type { Secret } from '@gitseal/manifests';
import type { SealedSecretStatusView } from './sealed-secret-status.js';

/** The object an Event is about. */
export interface EventSubject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export { EventType } from '@gitseal/kube';

/**
 * Every write the SealedSecret reconciler makes, behind one port (implemented with @gitseal/kube in
 * kube-cluster-writes.ts). Errors are KubeErrors with safe messages.
 */
export interface ClusterWrites {
  readSecret(namespace: string, name: string): Promise<Secret | undefined>;
  /** The whole SealedSecret, ciphertexts included (the cache may hold it without them); undefined when gone. */
  readSealedSecret(apiVersion: string, namespace: string, name: string): Promise<unknown>;
  createSecret(secret: Secret): Promise<void>;
  replaceSecret(secret: Secret, resourceVersion: string): Promise<void>;
  deleteSecret(namespace: string, name: string, uid: string): Promise<void>;
  patchSealedSecretStatus(
    apiVersion: string,
    namespace: string,
    name: string,
    status: SealedSecretStatusView,
  ): Promise<void>;
  recordEvent(subject: EventSubject, type: EventType, reason: string, message: string): Promise<void>;
}
