import { rm } from 'node:fs/promises';
import { isProcessRunning, stopProcess } from './process-liveness.js';
import { readState, statePath } from './state.js';

/**
 * Stops the control plane recorded in DIR/state.json (started by `cluster up`) and removes its etcd data.
 * Returns false when nothing was recorded there.
 */
export async function stopRecordedControlPlane(dir: string): Promise<boolean> {
  const state = readState(dir);
  if (!state) return false;
  // kube-apiserver first, so it does not spend its shutdown retrying a vanished etcd.
  for (const recorded of [...state.processes].reverse()) {
    if (isProcessRunning(recorded.pid, recorded.binary)) await stopProcess(recorded.pid);
  }
  await rm(state.etcdDataDir, { recursive: true, force: true });
  await rm(statePath(dir), { force: true });
  return true;
}
