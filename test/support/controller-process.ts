// gitseal-controller as a real process on free ports, for the e2e tests and the demo: the one way tests start it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../cluster/free-port.js';
import { resolveHelmBinary } from '../cluster/helm-binary.js';
import { waitFor } from './wait-for.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url)); // from test/dist/support

export const CONTROLLER_BIN = join(REPO_ROOT, 'packages', 'controller', 'bin', 'gitseal-controller.js');

export interface ControllerProcess {
  /** The Git cache the harness gave it (absent when the test passed --git-cache-dir). */
  readonly gitCacheDir?: string;
  readonly api: string;
  readonly metrics: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** SIGTERM (unless it already exited) and wait for the exit code. */
  stop(): Promise<number | null>;
}

export interface StartOptions {
  /** Wait for /readyz = 200 (default true). */
  readonly waitReady?: boolean;
  /** Keep leader election on (the default of these helpers is `--no-leader-elect`). */
  readonly leaderElect?: boolean;
  /**
   * Put the tests' Helm first on PATH, as the image has it in /usr/local/bin (default true): the sync engine renders
   * charts with it. The demo, which renders no chart, does not build one.
   */
  readonly helm?: boolean;
}

const everything: ControllerProcess[] = [];
/** The Git caches made for controllers here, removed with them. */
const cacheDirs: string[] = [];

/** The output of every controller any test of this file started: scan it for plaintext markers at the end. */
export function allControllerOutput(): string {
  return everything.map((p) => p.output()).join('\n');
}

/** SIGTERMs every controller still running (for `after`). */
export async function stopAllControllers(): Promise<void> {
  await Promise.all(everything.map((p) => p.stop()));
  for (const dir of cacheDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export async function startControllerProcess(
  kubeconfig: string,
  args: readonly string[],
  options: StartOptions = {},
): Promise<ControllerProcess> {
  const [apiPort, metricsPort] = [await findFreePort(), await findFreePort()];
  // Every controller its own Git cache: one that collects unused caches must not take another test file's.
  const ownCache = args.includes('--git-cache-dir') ? undefined : mkdtempSync(join(tmpdir(), 'gitseal-e2e-git-'));
  if (ownCache) cacheDirs.push(ownCache);
  const cacheDir = ownCache ? ['--git-cache-dir', ownCache] : [];
  const child = spawn(
    process.execPath,
    [
      CONTROLLER_BIN,
      '--kubeconfig',
      kubeconfig,
      '--listen-address',
      `127.0.0.1:${apiPort}`,
      '--metrics-address',
      `127.0.0.1:${metricsPort}`,
      options.leaderElect === true ? '--leader-elect' : '--no-leader-elect',
      '--log-level',
      'debug',
      ...cacheDir,
      ...args,
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        KUBECONFIG: '/nonexistent',
        ...(options.helm === false ? {} : { PATH: `${dirname(await resolveHelmBinary())}:${process.env.PATH ?? ''}` }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => chunks.push(c));
  child.stderr?.on('data', (c: Buffer) => chunks.push(c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const api = `http://127.0.0.1:${apiPort}`;
  const running: ControllerProcess = {
    ...(ownCache ? { gitCacheDir: ownCache } : {}),
    api,
    metrics: `http://127.0.0.1:${metricsPort}`,
    pid: child.pid ?? 0,
    child,
    exited,
    output: () => Buffer.concat(chunks).toString('utf8'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  everything.push(running);
  if (options.waitReady ?? true) await waitReady(running);
  return running;
}

export async function waitReady(controller: ControllerProcess, timeoutMs = 90_000): Promise<void> {
  await waitFor(
    'controller ready',
    async () => {
      if (controller.child.exitCode !== null) throw new Error(`controller exited: ${controller.output()}`);
      const res = await fetch(`${controller.api}/readyz`).catch(() => undefined);
      return res?.status === 200;
    },
    timeoutMs,
  );
}
