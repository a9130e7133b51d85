import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';
import { buildOnce, isExecutable } from './build-once.js';

/** The Helm release the tests render charts with; GITSEAL_HELM_VERSION overrides it. */
export function helmVersion(env: NodeJS.ProcessEnv = process.env): string {
  return env.GITSEAL_HELM_VERSION ?? 'v4.3.2';
}

/** `helm.sh/helm/v4/cmd/helm` for v4.x.y (v3.x.y: `helm.sh/helm/v3/...`): the module path carries the major. */
export function helmPackage(version: string): string {
  return `helm.sh/helm/v${/^v(\d+)\./.exec(version)?.[1] ?? '4'}/cmd/helm`;
}

/** `${XDG_CACHE_HOME:-~/.cache}/gitseal/helm/<version>`: outside the repo, shared by all checkouts. */
export function helmCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'gitseal', 'helm', helmVersion(env));
}

const staleLockMs = 20 * 60_000;
const buildTimeoutMs = 15 * 60_000;

/**
 * Finds helm: HELM_BIN when set (it must be executable), else the cache, else builds it once into the cache with
 * `go install helm.sh/helm/v4/cmd/helm@<version>` (a lock keeps concurrent test files from building twice).
 */
export async function resolveHelmBinary(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.HELM_BIN) {
    if (isExecutable(env.HELM_BIN)) return env.HELM_BIN;
    // A misconfiguration, not a missing tool: never a reason to skip.
    throw new Error(`HELM_BIN=${env.HELM_BIN} is not an executable file`);
  }
  const cacheDir = helmCacheDir(env);
  const binary = join(cacheDir, 'helm');
  if (isExecutable(binary)) return binary;
  if (spawnSync('go', ['version'], { env, stdio: 'ignore' }).status !== 0) {
    throw new ClusterError(
      ClusterErrorCode.BinariesUnavailable,
      `no helm: Go is not installed; install Go (the first run builds helm ${helmVersion(env)} into ${cacheDir}) ` +
        'or set HELM_BIN to a helm v4 binary',
    );
  }
  await buildOnce({
    lock: `${cacheDir}.lock`,
    isBuilt: () => isExecutable(binary),
    build: () => goInstall(cacheDir, binary, env),
    what: 'helm',
    timeoutMs: buildTimeoutMs,
    staleLockMs,
    pollMs: 1000,
  });
  return binary;
}

/** Installs into a scratch GOBIN beside the cache folder, then renames: a half-written binary is never found. */
function goInstall(cacheDir: string, binary: string, env: NodeJS.ProcessEnv): Promise<void> {
  const version = helmVersion(env);
  const gobin = `${cacheDir}.build-${process.pid}`;
  mkdirSync(gobin, { recursive: true });
  mkdirSync(cacheDir, { recursive: true });
  process.stderr.write(`gitseal tests: building helm ${version} with Go into ${cacheDir} (once, about a minute)\n`);
  // Stamped like a release build (unstamped, `helm version` says only the minor, e.g. v4.3).
  const major = helmPackage(version).split('/')[2];
  const stamp = `-X helm.sh/helm/${major}/internal/version.version=${version}`;
  const args = ['install', '-trimpath', `-ldflags=-s -w ${stamp}`, `${helmPackage(version)}@${version}`];
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
      if (code === 0 && isExecutable(join(gobin, 'helm'))) {
        renameSync(join(gobin, 'helm'), binary);
        return resolve();
      }
      const tail = output.trimEnd().split('\n').slice(-20).join('\n');
      reject(
        new ClusterError(ClusterErrorCode.BuildFailed, `go install helm ${version} failed (exit ${code}):\n${tail}`),
      );
    });
  }).finally(() => rmSync(gobin, { recursive: true, force: true }));
}
