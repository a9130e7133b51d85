import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOnce, isExecutable } from './build-once.js';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';
import { goToolCacheDir } from './go-tool.js';

/** The Gitea release the forge tests run; GITSEAL_GITEA_VERSION overrides it. */
export function giteaVersion(env: NodeJS.ProcessEnv = process.env): string {
  return env.GITSEAL_GITEA_VERSION ?? 'v1.27.3';
}

/** Gitea's path on the proxy; its go.mod calls it `gitea.dev` and has `replace` lines, so no `go install`. */
export const GITEA_MODULE = 'code.gitea.io/gitea';

/** The folders a build without the `bindata` tag reads from disk (locales, templates, static files). */
const STATIC_DIRS = ['options', 'templates', 'public'] as const;

/** A Gitea binary and, for a build without `bindata`, the folder its `STATIC_ROOT_PATH` must name. */
export interface GiteaBinary {
  readonly binary: string;
  /** Undefined for a GITEA_BIN given without GITEA_STATIC_ROOT (a release binary embeds its assets). */
  readonly staticRoot: string | undefined;
}

const tool = (env: NodeJS.ProcessEnv) => ({ binary: 'gitea', version: giteaVersion(env) });

/** `${XDG_CACHE_HOME:-~/.cache}/gitseal/gitea/<version>`: the binary, and its assets under `static/`. */
export function giteaCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return goToolCacheDir(tool(env), env);
}

/**
 * GITEA_BIN (with GITEA_STATIC_ROOT for a build without `bindata`), else the cache, else built once into it from the
 * release's module zip as the main module: `CGO_ENABLED=0`, no build tags (Gitea's default SQLite driver is the pure-Go
 * modernc.org/sqlite), no frontend build. The tests use only the API and Git over HTTP, which need the locales and
 * templates from the zip but not the npm-built web assets.
 */
export async function resolveGiteaBinary(env: NodeJS.ProcessEnv = process.env): Promise<GiteaBinary> {
  const given = env.GITEA_BIN;
  if (given) {
    if (isExecutable(given)) return { binary: given, staticRoot: env.GITEA_STATIC_ROOT || undefined };
    throw new Error(`GITEA_BIN=${given} is not an executable file`);
  }
  const cacheDir = giteaCacheDir(env);
  const binary = join(cacheDir, 'gitea');
  const staticRoot = join(cacheDir, 'static');
  if (isExecutable(binary)) return { binary, staticRoot };
  if (spawnSync('go', ['version'], { env, stdio: 'ignore' }).status !== 0) {
    throw new ClusterError(
      ClusterErrorCode.BinariesUnavailable,
      `no Gitea: Go is not installed; install Go (the first run builds ${GITEA_MODULE} ${giteaVersion(env)} ` +
        `into ${cacheDir}) or set GITEA_BIN`,
    );
  }
  await buildOnce({
    lock: `${cacheDir}.lock`,
    isBuilt: () => isExecutable(binary),
    build: async () => buildGitea(giteaVersion(env), cacheDir, binary, staticRoot, env),
    what: 'gitea',
    timeoutMs: 20 * 60_000,
    staleLockMs: 25 * 60_000,
    pollMs: 1000,
  });
  return { binary, staticRoot };
}

/** Copies the assets first and renames the binary last: a found binary always has its assets. */
function buildGitea(version: string, cacheDir: string, binary: string, staticRoot: string, env: NodeJS.ProcessEnv) {
  process.stderr.write(`gitseal tests: building Gitea ${version} with Go into ${cacheDir} (once, minutes)\n`);
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'gitseal-gitea-'));
  const buildEnv = { ...env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };
  const run = (args: string[], cwd: string): string => {
    const result = spawnSync('go', args, { cwd, env: buildEnv, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (result.status === 0) return result.stdout;
    const tail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trimEnd().split('\n').slice(-20).join('\n');
    throw new ClusterError(ClusterErrorCode.BuildFailed, `go ${args[0]} gitea ${version} failed:\n${tail}`);
  };
  try {
    const { Dir } = JSON.parse(run(['mod', 'download', '-json', `${GITEA_MODULE}@${version}`], work)) as {
      Dir: string;
    };
    const src = join(work, 'src');
    cpSync(Dir, src, { recursive: true });
    spawnSync('chmod', ['-R', 'u+w', src]);
    const stamp = `-X main.Version=${version.replace(/^v/, '')}`;
    run(['build', '-trimpath', `-ldflags=-s -w ${stamp}`, '-o', `${binary}.partial`, '.'], src);
    rmSync(staticRoot, { recursive: true, force: true });
    for (const dir of STATIC_DIRS) cpSync(join(src, dir), join(staticRoot, dir), { recursive: true });
    renameSync(`${binary}.partial`, binary);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
