import { fencedWrite, type MayWrite } from '@gitseal/kube';
import type { ClusterWrites } from './cluster-writes.js';

/**
 * The SealedSecret reconciler's writes, each refused (a KubeError) once `mayWrite` says no, so a replica that lost
 * its Lease mid-reconcile (paused past the lease, cut off) writes nothing more. Reads pass.
 */
export function fenceClusterWrites(writes: ClusterWrites, mayWrite: MayWrite): ClusterWrites {
  const check = (what: string): void => {
    if (!mayWrite()) throw fencedWrite(what);
  };
  return {
    readSecret: (namespace, name) => writes.readSecret(namespace, name),
    readSealedSecret: (apiVersion, namespace, name) => writes.readSealedSecret(apiVersion, namespace, name),
    async createSecret(secret) {
      check(`create Secret ${secret.metadata?.namespace ?? ''}/${secret.metadata?.name ?? ''}`);
      await writes.createSecret(secret);
    },
    async replaceSecret(secret, resourceVersion) {
      check(`replace Secret ${secret.metadata?.namespace ?? ''}/${secret.metadata?.name ?? ''}`);
      await writes.replaceSecret(secret, resourceVersion);
    },
    async deleteSecret(namespace, name, uid) {
      check(`delete Secret ${namespace}/${name}`);
      await writes.deleteSecret(namespace, name, uid);
    },
    async patchSealedSecretStatus(apiVersion, namespace, name, status) {
      check(`patch SealedSecret ${namespace}/${name} status`);
      await writes.patchSealedSecretStatus(apiVersion, namespace, name, status);
    },
    async recordEvent(subject, type, reason, message) {
      check(`Event on ${subject.kind} ${subject.namespace}/${subject.name}`);
      await writes.recordEvent(subject, type, reason, message);
    },
  };
}
