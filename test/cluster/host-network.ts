// What the node changes on the host, and how to put it back: sysctls the kubelet and the CNI bridge rewrite, the
// pod bridge, and an iptables chain that keeps pod traffic on the machine.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';
import { NodeNetwork } from './node-config.js';

const run = promisify(execFile);

/** kubelet sets the first three at start; the bridge plugin turns on forwarding. */
export const TOUCHED_SYSCTLS = ['vm/overcommit_memory', 'kernel/panic', 'kernel/panic_on_oops', 'net/ipv4/ip_forward'];
const CHAIN = 'GITSEAL-NODE';

export function readSysctls(): Record<string, string> {
  return Object.fromEntries(TOUCHED_SYSCTLS.map((key) => [key, readFileSync(`/proc/sys/${key}`, 'utf8').trim()]));
}

export async function restoreSysctls(saved: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(saved)) {
    await writeFile(`/proc/sys/${key}`, `${value}\n`).catch(() => undefined);
  }
}

async function sh(what: string, file: string, args: readonly string[], tolerate = false): Promise<void> {
  try {
    await run(file, [...args]);
  } catch (error) {
    if (tolerate) return;
    const stderr = ((error as { stderr?: string }).stderr ?? String(error)).trim().split('\n')[0];
    throw new ClusterError(ClusterErrorCode.StartFailed, `${what}: ${stderr}`);
  }
}

/**
 * The pod bridge with the gateway address, up before any pod (the API server advertises that address), and a
 * FORWARD chain that drops whatever would leave the bridge for another interface, or come in from one.
 */
export async function setUpHostNetwork(): Promise<void> {
  await tearDownHostNetwork();
  const { bridge, gateway, podCidr } = NodeNetwork;
  await sh('creating the pod bridge', 'ip', ['link', 'add', bridge, 'type', 'bridge']);
  await sh('addressing the pod bridge', 'ip', ['addr', 'add', `${gateway}/${podCidr.split('/')[1]}`, 'dev', bridge]);
  await sh('bringing the pod bridge up', 'ip', ['link', 'set', bridge, 'up']);
  await sh('creating the iptables chain', 'iptables', ['-w', '-N', CHAIN]);
  await sh('iptables', 'iptables', ['-w', '-A', CHAIN, '-i', bridge, '!', '-o', bridge, '-j', 'DROP']);
  await sh('iptables', 'iptables', ['-w', '-A', CHAIN, '-o', bridge, '!', '-i', bridge, '-j', 'DROP']);
  await sh('iptables', 'iptables', ['-w', '-I', 'FORWARD', '1', '-j', CHAIN]);
}

/** Removes the bridge and the chain; quiet when they are already gone. */
export async function tearDownHostNetwork(): Promise<void> {
  await sh('iptables', 'iptables', ['-w', '-D', 'FORWARD', '-j', CHAIN], true);
  await sh('iptables', 'iptables', ['-w', '-F', CHAIN], true);
  await sh('iptables', 'iptables', ['-w', '-X', CHAIN], true);
  await sh('ip', 'ip', ['link', 'delete', NodeNetwork.bridge], true);
}
