import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { buildOnce, isExecutable } from './build-once.js';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';
import { runGo } from './go-command.js';

/**
 * Flux's source-controller and kustomize-controller, the anchor of the 50-GitSync bench (test/bench/gitsyncs-50.mjs).
 * Bench-only: built on demand by the bench, never by .ci/run or a test.
 */
export interface FluxControllers {
  readonly sourceController: string;
  readonly kustomizeController: string;
  /** Folder of every CRD both controllers serve (their modules' config/crd/bases). */
  readonly crdDir: string;
  readonly version: string;
}

const CONTROLLERS = ['source-controller', 'kustomize-controller'] as const;

/**
 * Module versions the proxy refuses (403 "not available") that a served one of the same minor replaces: v1.9.6
 * requires github.com/fluxcd/pkg/artifact v0.18.3; v0.18.0 is served and builds.
 */
const REPLACEMENTS = ['github.com/fluxcd/pkg/artifact=github.com/fluxcd/pkg/artifact@v0.18.0'];

export function fluxVersion(env: NodeJS.ProcessEnv = process.env): string {
  return env.GITSEAL_FLUX_VERSION ?? 'v1.9.6';
}

/** `${XDG_CACHE_HOME:-~/.cache}/gitseal/flux/<version>`: outside the repo, shared by all checkouts. */
export function fluxCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'gitseal', 'flux', fluxVersion(env));
}

function layout(dir: string, version: string): FluxControllers {
  return {
    sourceController: join(dir, 'source-controller'),
    kustomizeController: join(dir, 'kustomize-controller'),
    crdDir: join(dir, 'crds'),
    version,
  };
}

function isComplete(flux: FluxControllers): boolean {
  return (
    isExecutable(flux.sourceController) &&
    isExecutable(flux.kustomizeController) &&
    existsSync(flux.crdDir) &&
    readdirSync(flux.crdDir).length > 0
  );
}

/**
 * Finds Flux's controllers in the cache, else builds them once into it from the releases' module zips (through the
 * Go module proxy; their go.mod files replace their api modules with ./api, which a module zip leaves out, so they
 * build as main modules with that replace dropped). No Go is a clear error.
 */
export async function resolveFluxControllers(env: NodeJS.ProcessEnv = process.env): Promise<FluxControllers> {
  const version = fluxVersion(env);
  const cacheDir = fluxCacheDir(env);
  const flux = layout(cacheDir, version);
  if (isComplete(flux)) return flux;
  if (spawnSync('go', ['version'], { env, stdio: 'ignore' }).status !== 0) {
    throw new ClusterError(
      ClusterErrorCode.BinariesUnavailable,
      `no Flux controllers: Go is not installed; install Go (the bench builds Flux ${version} into ${cacheDir})`,
    );
  }
  await buildOnce({
    lock: `${cacheDir}.lock`,
    isBuilt: () => isComplete(flux),
    build: () => build(cacheDir, version, env),
    what: 'Flux',
    timeoutMs: 40 * 60_000,
    staleLockMs: 45 * 60_000,
    pollMs: 2000,
  });
  return flux;
}

/** Both controllers and their CRDs into a scratch folder, then renamed into place: never half there. */
async function build(cacheDir: string, version: string, env: NodeJS.ProcessEnv): Promise<void> {
  const scratch = `${cacheDir}.build-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(join(scratch, 'crds'), { recursive: true });
  process.stderr.write(`gitseal bench: building Flux ${version} with Go into ${cacheDir} (once, many minutes)\n`);
  const buildEnv = { ...env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };
  try {
    for (const name of CONTROLLERS) {
      const module = `github.com/fluxcd/${name}`;
      const info = JSON.parse(
        await runGo(['mod', 'download', '-json', `${module}@${version}`], scratch, buildEnv, 'Flux'),
      ) as {
        Dir?: string;
      };
      if (!info.Dir) throw new ClusterError(ClusterErrorCode.BuildFailed, `go mod download ${module}: no Dir`);
      const src = join(scratch, `src-${name}`);
      cpSync(info.Dir, src, { recursive: true });
      spawnSync('chmod', ['-R', 'u+w', src]);
      const edits = [`-dropreplace=${module}/api`, ...REPLACEMENTS.map((r) => `-replace=${r}`)];
      await runGo(['mod', 'edit', ...edits], src, buildEnv, 'Flux');
      await runGo(['build', '-trimpath', '-ldflags=-s -w', '-o', join(scratch, name), '.'], src, buildEnv, 'Flux');
      const crds = join(src, 'config', 'crd', 'bases');
      for (const file of readdirSync(crds).filter((f) => f.endsWith('.yaml'))) {
        cpSync(join(crds, file), join(scratch, 'crds', file));
      }
      rmSync(src, { recursive: true, force: true });
    }
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(join(cacheDir, '..'), { recursive: true });
    renameSync(scratch, cacheDir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
