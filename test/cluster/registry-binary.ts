import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';
import { buildOnce, isExecutable } from './build-once.js';

/** The CNCF distribution registry the chart tests push to; GITSEAL_REGISTRY_VERSION overrides it. */
export function registryVersion(env: NodeJS.ProcessEnv = process.env): string {
  return env.GITSEAL_REGISTRY_VERSION ?? 'v3.1.2';
}

export const REGISTRY_MODULE = 'github.com/distribution/distribution/v3';

/** `${XDG_CACHE_HOME:-~/.cache}/gitseal/registry/<version>`: outside the repo, shared by all checkouts. */
export function registryCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'gitseal', 'registry', registryVersion(env));
}

const staleLockMs = 20 * 60_000;
const buildTimeoutMs = 15 * 60_000;

/**
 * Finds the registry binary: REGISTRY_BIN when set (it must be executable), else the cache, else builds it once
 * into the cache with `go install github.com/distribution/distribution/v3/cmd/registry@<version>` (its go.mod
 * has no replace lines); a lock keeps concurrent test files from building twice.
 */
export async function resolveRegistryBinary(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.REGISTRY_BIN) {
    if (isExecutable(env.REGISTRY_BIN)) return env.REGISTRY_BIN;
    throw new Error(`REGISTRY_BIN=${env.REGISTRY_BIN} is not an executable file`);
  }
  const cacheDir = registryCacheDir(env);
  const binary = join(cacheDir, 'registry');
  if (isExecutable(binary)) return binary;
  if (spawnSync('go', ['version'], { env, stdio: 'ignore' }).status !== 0) {
    throw new ClusterError(
      ClusterErrorCode.BinariesUnavailable,
      `no OCI registry: Go is not installed; install Go (the first run builds ${REGISTRY_MODULE} ` +
        `${registryVersion(env)} into ${cacheDir}) or set REGISTRY_BIN`,
    );
  }
  await buildOnce({
    lock: `${cacheDir}.lock`,
    isBuilt: () => isExecutable(binary),
    build: () => goInstall(cacheDir, binary, env),
    what: 'registry',
    timeoutMs: buildTimeoutMs,
    staleLockMs,
    pollMs: 1000,
  });
  return binary;
}

/** Installs into a scratch GOBIN beside the cache folder, then renames: a half-written binary is never found. */
function goInstall(cacheDir: string, binary: string, env: NodeJS.ProcessEnv): Promise<void> {
  const version = registryVersion(env);
  const gobin = `${cacheDir}.build-${process.pid}`;
  mkdirSync(gobin, { recursive: true });
  mkdirSync(cacheDir, { recursive: true });
  process.stderr.write(
    `gitseal tests: building the OCI registry ${version} with Go into ${cacheDir} (once, minutes)\n`,
  );
  // Stamped like a release (`registry --version` says the version instead of vX.Y.Z+unknown).
  const stamp = `-X ${REGISTRY_MODULE}/version.version=${version}`;
  const args = ['install', '-trimpath', `-ldflags=-s -w ${stamp}`, `${REGISTRY_MODULE}/cmd/registry@${version}`];
  const buildEnv = { ...env, GOBIN: gobin, CGO_ENABLED: '0', GOTOOLCHAIN: 'local' };
  return new Promise<void>((resolve, reject) => {
    const child = spawn('go', args, { cwd: gobin, env: buildEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => reject(new ClusterError(ClusterErrorCode.BuildFailed, error.message)));
    child.once('exit', (code) => {
      if (code === 0 && isExecutable(join(gobin, 'registry'))) {
        renameSync(join(gobin, 'registry'), binary);
        return resolve();
      }
      const tail = output.trimEnd().split('\n').slice(-20).join('\n');
      reject(
        new ClusterError(
          ClusterErrorCode.BuildFailed,
          `go install registry ${version} failed (exit ${code}):\n${tail}`,
        ),
      );
    });
  }).finally(() => rmSync(gobin, { recursive: true, force: true }));
}
