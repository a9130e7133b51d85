import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasGo } from './binaries.js';
import { buildOnce, isExecutable } from './build-once.js';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';
import { runBuildScript } from './run-build-script.js';

/** The node's programs: Go-built ones from the cache, runc and the CNI plugins from Debian. */
export interface NodeBinaries {
  readonly dir: string;
  readonly kubelet: string;
  readonly kubeControllerManager: string;
  readonly kubeScheduler: string;
  readonly kubeProxy: string;
  readonly containerd: string;
  readonly ctr: string;
  readonly coredns: string;
  readonly crictl: string;
  readonly runc: string;
  readonly cniBinDir: string;
}

const GO_BUILT = [
  'kubelet',
  'kube-controller-manager',
  'kube-scheduler',
  'kube-proxy',
  'containerd',
  'containerd-shim-runc-v2',
  'ctr',
  'coredns',
  'crictl',
] as const;

/** Same defaults and overrides as build-node.sh. */
export function nodeVersions(env: NodeJS.ProcessEnv = process.env) {
  return {
    kubernetes: env.GITSEAL_K8S_VERSION ?? 'v1.35.4',
    containerd: env.GITSEAL_CONTAINERD_VERSION ?? 'v2.4.2',
    coredns: env.GITSEAL_COREDNS_VERSION ?? 'v1.14.7',
  };
}

export function nodeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const v = nodeVersions(env);
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'gitseal', 'node', `${v.kubernetes}-${v.containerd}-${v.coredns}`);
}

const buildScript = fileURLToPath(new URL('../../cluster/build-node.sh', import.meta.url));
const DEBIAN_RUNC = '/usr/sbin/runc';
const DEBIAN_CNI = '/usr/lib/cni';

function hasGoBuilt(dir: string): boolean {
  return GO_BUILT.every((name) => isExecutable(join(dir, name)));
}

/** Why the node's binaries cannot be had here (runc or CNI plugins missing, nothing cached and no Go), or undefined. */
export function nodeBinariesUnavailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const missing = missingDebianParts();
  if (missing.length > 0) return `the node needs ${missing.join(' and ')}`;
  const dir = nodeCacheDir(env);
  if (!hasGoBuilt(dir) && !hasGo(env)) return `no node binaries in ${dir} and Go is not installed`;
  return undefined;
}

function missingDebianParts(): string[] {
  return [
    ...(isExecutable(DEBIAN_RUNC) ? [] : ['runc (Debian: apt-get install runc)']),
    ...(existsSync(join(DEBIAN_CNI, 'bridge'))
      ? []
      : ['CNI plugins (Debian: apt-get install containernetworking-plugins)']),
  ];
}

/** Finds (or builds once, with progress lines) the node's binaries; one clear error when a part is missing. */
export async function resolveNodeBinaries(
  env: NodeJS.ProcessEnv = process.env,
  progress: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<NodeBinaries> {
  const dir = nodeCacheDir(env);
  const missing = missingDebianParts();
  if (missing.length > 0) {
    throw new ClusterError(ClusterErrorCode.BinariesUnavailable, `the node needs ${missing.join(' and ')}`);
  }
  if (!hasGoBuilt(dir)) {
    if (!hasGo(env)) {
      throw new ClusterError(
        ClusterErrorCode.BinariesUnavailable,
        `no node binaries in ${dir} and Go is not installed`,
      );
    }
    await buildOnce({
      lock: `${dir}.lock`,
      isBuilt: () => hasGoBuilt(dir),
      build: () => {
        progress(`gitseal cluster: building the node's binaries with Go into ${dir} (once, 15-25 minutes)`);
        return runBuildScript(buildScript, dir, env, () => hasGoBuilt(dir), { progress });
      },
      what: 'node',
      timeoutMs: 60 * 60_000,
      staleLockMs: 60 * 60_000,
      pollMs: 5000,
    });
  }
  return {
    dir,
    kubelet: join(dir, 'kubelet'),
    kubeControllerManager: join(dir, 'kube-controller-manager'),
    kubeScheduler: join(dir, 'kube-scheduler'),
    kubeProxy: join(dir, 'kube-proxy'),
    containerd: join(dir, 'containerd'),
    ctr: join(dir, 'ctr'),
    coredns: join(dir, 'coredns'),
    crictl: join(dir, 'crictl'),
    runc: DEBIAN_RUNC,
    cniBinDir: DEBIAN_CNI,
  };
}
