import { KubeError, KubeErrorCode } from './kube-error.js';

/** Whether this process may write now (the Lease is still ours); asked right before every write. */
export type MayWrite = () => boolean;

/** The error of a write refused because this replica may no longer write (it lost its Lease or the object's shard). */
export function fencedWrite(what: string): KubeError {
  return new KubeError(KubeErrorCode.Stopped, `${what}: not written: this replica is no longer the leader`);
}
