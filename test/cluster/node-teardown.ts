// Taking a node apart: pods live outside the caller's cgroup, so killing the caller stops none of them. Every step
// is quiet when there is nothing to do, so a teardown can run again after a half-finished one.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { NodeNetwork } from './node-config.js';

const run = promisify(execFile);
const quiet = (file: string, args: readonly string[]) =>
  run(file, [...args]).then(
    () => true,
    () => false,
  );

/** Stops and removes every pod sandbox through the CRI (containerd must still run). */
export async function removePods(crictl: string, socket: string): Promise<void> {
  await quiet(crictl, ['--runtime-endpoint', `unix://${socket}`, '--timeout', '20s', 'rmp', '--all', '--force']);
}

function processes(): { pid: number; cmdline: string; cgroup: string }[] {
  const out: { pid: number; cmdline: string; cgroup: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      out.push({
        pid: Number(entry),
        cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' '),
        cgroup: readFileSync(`/proc/${entry}/cgroup`, 'utf8'),
      });
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** SIGKILLs the runc shims of this containerd and every process in a pod cgroup (`/kubepods…`). */
export async function killPodProcesses(socket: string): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const victims = processes().filter(
      (p) =>
        p.pid !== process.pid &&
        ((p.cmdline.includes('containerd-shim-runc-v2') && p.cmdline.includes(socket)) || /:\/kubepods/.test(p.cgroup)),
    );
    if (victims.length === 0) return;
    for (const v of victims) {
      try {
        process.kill(v.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await sleep(200);
  }
}

/** Unmounts everything mounted below `root` (deepest first), and the network namespaces CRI made for pods. */
export async function unmountUnder(root: string): Promise<void> {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1]?.replace(/\\040/g, ' ') ?? '')
    .filter((point) => point.startsWith(`${root}/`) || /^\/(var\/)?run\/netns\/cni-/.test(point))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await quiet('umount', ['-l', point]);
}

function removeTree(dir: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((name) => {
      try {
        return statSync(join(dir, name)).isDirectory();
      } catch {
        return false;
      }
    });
  } catch {
    return;
  }
  for (const name of entries) removeTree(join(dir, name));
  try {
    rmdirSync(dir);
  } catch {
    // Still busy, or not ours to remove.
  }
}

/** Removes the kubelet's `kubepods` cgroups under every cgroup v1 controller. */
export function removePodCgroups(): void {
  let controllers: string[];
  try {
    controllers = readdirSync('/sys/fs/cgroup');
  } catch {
    return;
  }
  for (const controller of controllers) {
    const base = join('/sys/fs/cgroup', controller);
    let names: string[];
    try {
      names = readdirSync(base);
    } catch {
      continue;
    }
    for (const name of names) if (name.startsWith('kubepods')) removeTree(join(base, name));
  }
}

/**
 * Removes every KUBE-* chain of kube-proxy (`--cleanup`) and of the kubelet (KUBE-FIREWALL, which `--cleanup`
 * leaves), in iptables and ip6tables: first the rules that jump to them, then the chains.
 */
export async function removeKubeChains(kubeProxy: string): Promise<void> {
  await quiet(kubeProxy, ['--cleanup']);
  for (const tool of ['iptables', 'ip6tables']) {
    for (const table of ['filter', 'nat', 'mangle']) {
      let rules: string[];
      try {
        rules = (await run(tool, ['-w', '-t', table, '-S'])).stdout.split('\n');
      } catch {
        continue;
      }
      for (const rule of rules.filter((r) => r.startsWith('-A ') && / -j KUBE-/.test(r))) {
        await quiet(tool, ['-w', '-t', table, ...rule.replace(/^-A /, '-D ').split(' ')]);
      }
      const chains = rules.filter((r) => r.startsWith('-N KUBE-')).map((r) => r.slice(3));
      for (const chain of chains) await quiet(tool, ['-w', '-t', table, '-F', chain]);
      for (const chain of chains) await quiet(tool, ['-w', '-t', table, '-X', chain]);
    }
  }
}

/** What a node left on the host after its teardown (empty: nothing): bridge, chains, cgroups, mounts. */
export async function nodeLeftovers(root: string): Promise<string[]> {
  const found: string[] = [];
  if (existsSync(`/sys/class/net/${NodeNetwork.bridge}`)) found.push(`bridge ${NodeNetwork.bridge}`);
  for (const tool of ['iptables', 'ip6tables']) {
    for (const table of ['filter', 'nat']) {
      const rules = await run(tool, ['-w', '-t', table, '-S']).then(
        (r) => r.stdout,
        () => '',
      );
      const chains = rules.split('\n').filter((r) => /^-N (KUBE-|GITSEAL-)/.test(r));
      if (chains.length > 0) found.push(`${tool} ${table}: ${chains.map((c) => c.slice(3)).join(' ')}`);
    }
  }
  if (existsSync('/sys/fs/cgroup/memory/kubepods')) found.push('cgroup /sys/fs/cgroup/memory/kubepods');
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .filter((l) => l.split(' ')[1]?.startsWith(`${root}/`));
  if (mounts.length > 0) found.push(`${mounts.length} mounts under ${root}`);
  return found;
}
