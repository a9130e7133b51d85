import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { buildOnce, isExecutable } from './build-once.js';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';

/** A tool the tests build once with `go install <package>@<version>` into the cache outside the repository. */
export interface GoTool {
  /** The binary's name, also its folder under the cache (`helm`, `registry`). */
  readonly binary: string;
  /** How messages name it (`helm`, `the OCI registry`). */
  readonly what: string;
  readonly version: string;
  /** `helm.sh/helm/v4/cmd/helm` */
  readonly packagePath: string;
  /** Extra `-X` stamps for `-ldflags`, so the tool reports its release version. */
  readonly stamp?: string;
  /** An environment variable naming a ready binary instead (`HELM_BIN`). */
  readonly override: string;
}

/** `${XDG_CACHE_HOME:-~/.cache}/gitseal/<binary>/<version>`: outside the repo, shared by all checkouts. */
export function goToolCacheDir(tool: Pick<GoTool, 'binary' | 'version'>, env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'gitseal', tool.binary, tool.version);
}

/**
 * Finds `tool`: its override variable when set (it must be executable), else the cache, else builds it once into
 * the cache (a lock keeps concurrent test files from building twice). No Go is a clear error, never a skip.
 */
export async function resolveGoTool(tool: GoTool, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const given = env[tool.override];
  if (given) {
    if (isExecutable(given)) return given;
    // A misconfiguration, not a missing tool: never a reason to skip.
    throw new Error(`${tool.override}=${given} is not an executable file`);
  }
  const cacheDir = goToolCacheDir(tool, env);
  const binary = join(cacheDir, tool.binary);
  if (isExecutable(binary)) return binary;
  if (spawnSync('go', ['version'], { env, stdio: 'ignore' }).status !== 0) {
    throw new ClusterError(
      ClusterErrorCode.BinariesUnavailable,
      `no ${tool.what}: Go is not installed; install Go (the first run builds ${tool.packagePath} ${tool.version} ` +
        `into ${cacheDir}) or set ${tool.override}`,
    );
  }
  await buildOnce({
    lock: `${cacheDir}.lock`,
    isBuilt: () => isExecutable(binary),
    build: () => goInstall(tool, cacheDir, binary, env),
    what: tool.binary,
    timeoutMs: 15 * 60_000,
    staleLockMs: 20 * 60_000,
    pollMs: 1000,
  });
  return binary;
}

/** Installs into a scratch GOBIN beside the cache folder, then renames: a half-written binary is never found. */
function goInstall(tool: GoTool, cacheDir: string, binary: string, env: NodeJS.ProcessEnv): Promise<void> {
  const gobin = `${cacheDir}.build-${process.pid}`;
  mkdirSync(gobin, { recursive: true });
  mkdirSync(cacheDir, { recursive: true });
  process.stderr.write(
    `gitseal tests: building ${tool.what} ${tool.version} with Go into ${cacheDir} (once, minutes)\n`,
  );
  const ldflags = `-ldflags=-s -w${tool.stamp ? ` ${tool.stamp}` : ''}`;
  const args = ['install', '-trimpath', ldflags, `${tool.packagePath}@${tool.version}`];
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
      if (code === 0 && isExecutable(join(gobin, tool.binary))) {
        renameSync(join(gobin, tool.binary), binary);
        return resolve();
      }
      const tail = output.trimEnd().split('\n').slice(-20).join('\n');
      reject(
        new ClusterError(
          ClusterErrorCode.BuildFailed,
          `go install ${tool.binary} ${tool.version} failed (exit ${code}):\n${tail}`,
        ),
      );
    });
  }).finally(() => rmSync(gobin, { recursive: true, force: true }));
}
