// Bitnami's real sealed-secrets controller (v0.40.0), built once from the Go module proxy into the cache, and
// started against the API-only control plane. It only knows in-cluster configuration, so it runs in a private
// mount namespace where /run/secrets/kubernetes.io/serviceaccount holds a token, the cluster CA and its namespace.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const BITNAMI_VERSION = 'v0.40.0';
const MODULE = 'github.com/bitnami-labs/sealed-secrets';

/** `${XDG_CACHE_HOME:-~/.cache}/gitseal/bitnami-controller/<version>/controller`, shared by all checkouts. */
export function bitnamiControllerPath(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'gitseal', 'bitnami-controller', BITNAMI_VERSION, 'controller');
}

function run(command: string, args: string[], cwd?: string): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed: ${(result.stderr || String(result.error)).slice(-2000)}`);
  }
  return result.stdout;
}

/**
 * The controller binary: from the cache, else built (a few minutes on 2 cores). The module's go.mod names it
 * github.com/bitnami/sealed-secrets, so `go install …@version` refuses it: its source is built as the main module.
 */
export async function bitnamiControllerBinary(): Promise<string> {
  const target = bitnamiControllerPath();
  if (existsSync(target)) return target;
  const lock = `${target}.lock`;
  await mkdir(join(target, '..'), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (existsSync(target)) return target;
      // A build killed with its process leaves its lock: one older than the longest build is nobody's.
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 30 * 60_000) await rm(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // another run builds it
    }
  }
  const work = await mkdtemp(join(tmpdir(), 'bitnami-controller-'));
  try {
    if (existsSync(target)) return target;
    const { Dir } = JSON.parse(run('go', ['mod', 'download', '-json', `${MODULE}@${BITNAMI_VERSION}`], work)) as {
      Dir: string;
    };
    const src = join(work, 'src');
    await cp(Dir, src, { recursive: true });
    run('chmod', ['-R', 'u+w', src]);
    run('go', ['build', '-o', `${target}.partial`, './cmd/controller'], src);
    await rename(`${target}.partial`, target);
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(lock, { recursive: true, force: true });
  }
}

export interface BitnamiControllerOptions {
  /** https://127.0.0.1:<port> of the API server. */
  readonly server: string;
  readonly caPem: string;
  readonly token: string;
  /** The controller's own namespace (where its key Secrets live). */
  readonly namespace: string;
  readonly apiPort: number;
  readonly metricsPort: number;
  /** More flags for the controller, e.g. `--kubeclient-qps -1` (its client's rate limit off). */
  readonly extraArgs?: readonly string[];
}

export interface BitnamiController {
  readonly api: string;
  readonly metrics: string;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the controller as a process in its own mount namespace; key renewal off (it uses the keys it finds). */
export async function startBitnamiController(options: BitnamiControllerOptions): Promise<BitnamiController> {
  const binary = await bitnamiControllerBinary();
  const account = await mkdtemp(join(tmpdir(), 'bitnami-sa-'));
  await writeFile(join(account, 'token'), options.token, { mode: 0o600 });
  await writeFile(join(account, 'ca.crt'), options.caPem);
  await writeFile(join(account, 'namespace'), options.namespace);
  const url = new URL(options.server);
  const dir = '/run/secrets/kubernetes.io/serviceaccount';
  const script = [
    'set -e',
    'mount -t tmpfs gitseal-bitnami /run',
    `mkdir -p ${dir}`,
    `cp "$SA_SOURCE"/token "$SA_SOURCE"/ca.crt "$SA_SOURCE"/namespace ${dir}/`,
    'exec "$@"',
  ].join('\n');
  const child = spawn(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      script,
      'sh',
      binary,
      '--listen-addr',
      `127.0.0.1:${options.apiPort}`,
      '--listen-metrics-addr',
      `127.0.0.1:${options.metricsPort}`,
      '--key-renew-period',
      '0',
      ...(options.extraArgs ?? []),
    ],
    {
      env: {
        ...process.env,
        SA_SOURCE: account,
        KUBERNETES_SERVICE_HOST: url.hostname,
        KUBERNETES_SERVICE_PORT: url.port,
        POD_NAMESPACE: options.namespace,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  child.stdout?.on('data', (c: Buffer) => (text += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    api: `http://127.0.0.1:${options.apiPort}`,
    metrics: `http://127.0.0.1:${options.metricsPort}`,
    child,
    output: () => text,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await rm(account, { recursive: true, force: true });
    },
  };
}
