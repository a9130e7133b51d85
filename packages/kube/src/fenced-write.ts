import { KubeError, KubeErrorCode } from './kube-error.js';

/** The error of a write refused because this replica may no longer write (it lost its Lease or the object's shard). */
export function fencedWrite(what: string): KubeError {
  return new KubeError(KubeErrorCode.Stopped, `${what}: not written: this replica is no longer the leader`);
}
