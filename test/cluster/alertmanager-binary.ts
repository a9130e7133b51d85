import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOnce, isExecutable } from './build-once.js';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';
import { goToolCacheDir } from './go-tool.js';

/** The Prometheus Alertmanager the notification tests deliver to; GITSEAL_ALERTMANAGER_VERSION overrides it. */
export function alertmanagerVersion(env: NodeJS.ProcessEnv = process.env): string {
  return env.GITSEAL_ALERTMANAGER_VERSION ?? 'v0.35.0';
}

export const ALERTMANAGER_MODULE = 'github.com/prometheus/alertmanager';
const tool = (env: NodeJS.ProcessEnv) => ({ binary: 'alertmanager', version: alertmanagerVersion(env) });

/** `${XDG_CACHE_HOME:-~/.cache}/gitseal/alertmanager/<version>`. */
export function alertmanagerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return goToolCacheDir(tool(env), env);
}

/**
 * ALERTMANAGER_BIN, else the cache, else built once into it. Not a plain `go install`: the module zip lacks the
 * web UI bundle that `ui/web.go` embeds (`//go:embed app/dist`, built by npm in Alertmanager's release process),
 * so the module is copied into a scratch folder, given a placeholder page, and built there as the main module.
 * The tests use only the API (`/api/v2`), which does not depend on the bundle.
 */
export async function resolveAlertmanagerBinary(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const given = env.ALERTMANAGER_BIN;
  if (given) {
    if (isExecutable(given)) return given;
    throw new Error(`ALERTMANAGER_BIN=${given} is not an executable file`);
  }
  const cacheDir = alertmanagerCacheDir(env);
  const binary = join(cacheDir, 'alertmanager');
  if (isExecutable(binary)) return binary;
  if (spawnSync('go', ['version'], { env, stdio: 'ignore' }).status !== 0) {
    throw new ClusterError(
      ClusterErrorCode.BinariesUnavailable,
      `no Alertmanager: Go is not installed; install Go (the first run builds ${ALERTMANAGER_MODULE} ` +
        `${alertmanagerVersion(env)} into ${cacheDir}) or set ALERTMANAGER_BIN`,
    );
  }
  await buildOnce({
    lock: `${cacheDir}.lock`,
    isBuilt: () => isExecutable(binary),
    build: async () => buildAlertmanager(alertmanagerVersion(env), cacheDir, binary, env),
    what: 'alertmanager',
    timeoutMs: 15 * 60_000,
    staleLockMs: 20 * 60_000,
    pollMs: 1000,
  });
  return binary;
}

function buildAlertmanager(version: string, cacheDir: string, binary: string, env: NodeJS.ProcessEnv): void {
  process.stderr.write(`gitseal tests: building Alertmanager ${version} with Go into ${cacheDir} (once, minutes)\n`);
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'gitseal-alertmanager-'));
  const buildEnv = { ...env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };
  const run = (args: string[], cwd: string): string => {
    const result = spawnSync('go', args, { cwd, env: buildEnv, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (result.status === 0) return result.stdout;
    const tail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trimEnd().split('\n').slice(-20).join('\n');
    throw new ClusterError(ClusterErrorCode.BuildFailed, `go ${args[0]} alertmanager ${version} failed:\n${tail}`);
  };
  try {
    const { Dir } = JSON.parse(run(['mod', 'download', '-json', `${ALERTMANAGER_MODULE}@${version}`], work)) as {
      Dir: string;
    };
    const src = join(work, 'src');
    cpSync(Dir, src, { recursive: true });
    spawnSync('chmod', ['-R', 'u+w', src]);
    for (const ui of ['elm', 'mantine']) {
      mkdirSync(join(src, 'ui', 'app', 'dist', ui), { recursive: true });
      writeFileSync(join(src, 'ui', 'app', 'dist', ui, 'index.html'), '<p>UI not built; the API is at /api/v2</p>\n');
    }
    const stamp = `-X github.com/prometheus/common/version.Version=${version.replace(/^v/, '')}`;
    run(['build', '-trimpath', `-ldflags=-s -w ${stamp}`, '-o', `${binary}.partial`, './cmd/alertmanager'], src);
    renameSync(`${binary}.partial`, binary);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
