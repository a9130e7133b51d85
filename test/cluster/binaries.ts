import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';
import { buildOnce, isExecutable } from './build-once.js';
import { runBuildScript } from './run-build-script.js';

export interface ControlPlaneBinaries {
  kubeApiserver: string;
  etcd: string;
}

/** Same defaults and overrides as build-control-plane.sh. */
export function controlPlaneVersions(env: NodeJS.ProcessEnv = process.env): { kubernetes: string; etcd: string } {
  return { kubernetes: env.GITSEAL_K8S_VERSION ?? 'v1.35.4', etcd: env.GITSEAL_ETCD_VERSION ?? 'v3.6.16' };
}

/** Bumped whenever the build itself changes (r2: version-stamped kube-apiserver), so old caches are not reused. */
const BUILD_REVISION = 'r2';

/** `${XDG_CACHE_HOME:-~/.cache}/gitseal/control-plane/<k8s>-<etcd>-<rev>`: outside the repo, shared by all checkouts. */
export function controlPlaneCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const { kubernetes, etcd } = controlPlaneVersions(env);
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'gitseal', 'control-plane', `${kubernetes}-${etcd}-${BUILD_REVISION}`);
}

const buildScript = fileURLToPath(new URL('../../cluster/build-control-plane.sh', import.meta.url));
const staleLockMs = 45 * 60_000;
const buildTimeoutMs = 40 * 60_000;

/**
 * Finds kube-apiserver and etcd: KUBEBUILDER_ASSETS first, then the cache, else builds them once into the cache
 * with Go (a lock keeps concurrent test files from building twice).
 */
export async function resolveControlPlaneBinaries(env: NodeJS.ProcessEnv = process.env): Promise<ControlPlaneBinaries> {
  const assets = env.KUBEBUILDER_ASSETS;
  if (assets && hasBinaries(assets)) return binariesIn(assets);
  const cacheDir = controlPlaneCacheDir(env);
  if (hasBinaries(cacheDir)) return binariesIn(cacheDir);
  if (!hasGo(env)) {
    const lacking = assets ? `KUBEBUILDER_ASSETS=${assets} lacks kube-apiserver or etcd and ` : '';
    throw new ClusterError(
      ClusterErrorCode.BinariesUnavailable,
      `no control plane binaries: ${lacking}Go is not installed; install Go >= 1.25 (the first run builds them ` +
        `into ${cacheDir}) or set KUBEBUILDER_ASSETS to a folder holding kube-apiserver and etcd`,
    );
  }
  await buildOnce({
    lock: `${cacheDir}.lock`,
    isBuilt: () => hasBinaries(cacheDir),
    build: () => runBuild(cacheDir, env),
    what: 'control-plane',
    timeoutMs: buildTimeoutMs,
    staleLockMs,
    pollMs: 2000,
  });
  return binariesIn(cacheDir);
}

function binariesIn(dir: string): ControlPlaneBinaries {
  return { kubeApiserver: join(dir, 'kube-apiserver'), etcd: join(dir, 'etcd') };
}

function hasBinaries(dir: string): boolean {
  const { kubeApiserver, etcd } = binariesIn(dir);
  return isExecutable(kubeApiserver) && isExecutable(etcd);
}

export function hasGo(env: NodeJS.ProcessEnv): boolean {
  return spawnSync('go', ['version'], { env, stdio: 'ignore' }).status === 0;
}

function runBuild(cacheDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  process.stderr.write(
    `gitseal cluster: building kube-apiserver and etcd with Go into ${cacheDir} (once, a few minutes)\n`,
  );
  return runBuildScript(buildScript, cacheDir, env, () => hasBinaries(cacheDir));
}
