import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { buildOnce, isExecutable } from './build-once.js';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';
import { runGo } from './go-command.js';

/** Bitnami's module path on the proxy; its go.mod calls it github.com/bitnami/sealed-secrets, so no `go install`. */
const MODULE = 'github.com/bitnami-labs/sealed-secrets';

/** The Bitnami release the interop tests run kubeseal from; GITSEAL_KUBESEAL_VERSION overrides it. */
export function kubesealVersion(env: NodeJS.ProcessEnv = process.env): string {
  return env.GITSEAL_KUBESEAL_VERSION ?? 'v0.40.0';
}

/** `${XDG_CACHE_HOME:-~/.cache}/gitseal/kubeseal/<version>`: outside the repo, shared by all checkouts. */
export function kubesealCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'gitseal', 'kubeseal', kubesealVersion(env));
}

/**
 * Finds Bitnami's real kubeseal: KUBESEAL_BIN when set, else the cache, else builds it once into the cache from the
 * release's module zip (fetched through the Go module proxy, built as the main module).
 */
export async function resolveKubesealBinary(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.KUBESEAL_BIN) {
    if (isExecutable(env.KUBESEAL_BIN)) return env.KUBESEAL_BIN;
    throw new Error(`KUBESEAL_BIN=${env.KUBESEAL_BIN} is not an executable file`);
  }
  const cacheDir = kubesealCacheDir(env);
  const binary = join(cacheDir, 'kubeseal');
  if (isExecutable(binary)) return binary;
  if (spawnSync('go', ['version'], { env, stdio: 'ignore' }).status !== 0) {
    throw new ClusterError(
      ClusterErrorCode.BinariesUnavailable,
      `no kubeseal: Go is not installed; install Go or set KUBESEAL_BIN to Bitnami's kubeseal ${kubesealVersion(env)}`,
    );
  }
  await buildOnce({
    lock: `${cacheDir}.lock`,
    isBuilt: () => isExecutable(binary),
    build: () => build(cacheDir, binary, env),
    what: 'kubeseal',
    timeoutMs: 15 * 60_000,
    staleLockMs: 20 * 60_000,
    pollMs: 1000,
  });
  return binary;
}

/** Downloads the module zip, copies it to a scratch folder, builds cmd/kubeseal there and renames it into place. */
async function build(cacheDir: string, binary: string, env: NodeJS.ProcessEnv): Promise<void> {
  const version = kubesealVersion(env);
  const scratch = `${cacheDir}.build-${process.pid}`;
  mkdirSync(scratch, { recursive: true });
  mkdirSync(cacheDir, { recursive: true });
  process.stderr.write(`gitseal tests: building kubeseal ${version} with Go into ${cacheDir} (once, about a minute)\n`);
  const buildEnv = { ...env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };
  try {
    const info = JSON.parse(
      await runGo(['mod', 'download', '-json', `${MODULE}@${version}`], scratch, buildEnv, 'kubeseal'),
    ) as {
      Dir?: string;
    };
    if (!info.Dir) throw new ClusterError(ClusterErrorCode.BuildFailed, `go mod download ${MODULE}: no Dir`);
    const src = join(scratch, 'src');
    cpSync(info.Dir, src, { recursive: true });
    spawnSync('chmod', ['-R', 'u+w', src]);
    await runGo(
      ['build', '-trimpath', '-ldflags=-s -w', '-o', join(scratch, 'kubeseal'), './cmd/kubeseal'],
      src,
      buildEnv,
      'kubeseal',
    );
    renameSync(join(scratch, 'kubeseal'), binary);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
