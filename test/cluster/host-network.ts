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

/** An IPv4 network as [first address, prefix length]; undefined when `cidr` is not one. */
function ipv4Network(cidr: string): [number, number] | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((value, octet) => value * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  return [address - (address % size), prefix];
}

/**
 * Interfaces other than `bridge` whose IPv4 network overlaps `podCidr`, from `ip -o -4 addr show` (e.g. podman's
 * default `cni-podman0` on 10.88.0.0/16, which `buildah run` creates): the kernel would route pod traffic there.
 */
export function interfacesOverlapping(ipAddrShow: string, podCidr: string, bridge: string): string[] {
  const pods = ipv4Network(podCidr);
  if (!pods) return [];
  const podsEnd = pods[0] + 2 ** (32 - pods[1]);
  return ipAddrShow.split('\n').flatMap((line) => {
    const match = /^\d+:\s+(\S+)\s+inet\s+(\S+)/.exec(line);
    if (!match || match[1] === bridge) return [];
    const network = ipv4Network(match[2] ?? '');
    if (!network) return [];
    const end = network[0] + 2 ** (32 - network[1]);
    return network[0] < podsEnd && pods[0] < end ? [`${match[1]} (${match[2]})`] : [];
  });
}

/**
 * The pod bridge with the gateway address, up before any pod (the API server advertises that address), and a
 * FORWARD chain that drops whatever would leave the bridge for another interface, or come in from one. Refuses to
 * start when another interface already holds an address in the pod network: pods would have no route.
 */
export async function setUpHostNetwork(): Promise<void> {
  await tearDownHostNetwork();
  const { bridge, gateway, podCidr } = NodeNetwork;
  const { stdout } = await run('ip', ['-o', '-4', 'addr', 'show']);
  const taken = interfacesOverlapping(stdout, podCidr, bridge);
  if (taken.length > 0) {
    throw new ClusterError(
      ClusterErrorCode.StartFailed,
      `the pod network ${podCidr} is already on ${taken.join(', ')}: delete it (ip link delete <name>; podman's cni-podman0 comes from buildah run) and start again`,
    );
  }
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
