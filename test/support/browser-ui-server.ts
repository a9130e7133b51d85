import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GITSEAL_BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'gitseal.js');

export interface GitsealUiProcess {
  /** `http://127.0.0.1:PORT/`. */
  readonly url: string;
  /** The URL with the one-time login token, as printed. */
  readonly loginUrl: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM and the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `gitseal ui --kubeconfig <file> …` as a process and waits for the login URL it prints. */
export async function startGitsealUi(kubeconfig: string, args: readonly string[] = []): Promise<GitsealUiProcess> {
  const child = spawn(process.execPath, [GITSEAL_BIN, 'ui', '--kubeconfig', kubeconfig, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, KUBECONFIG: '/nonexistent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const loginUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gitseal ui printed no login URL: ${text}`)), 30_000);
    const look = (): void => {
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(text);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve(match[1]);
    };
    child.stdout?.on('data', look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gitseal ui exited (${code}): ${text}`));
    });
  });
  const url = loginUrl.replace(/\?token=.*$/, '');
  return {
    url,
    loginUrl,
    port: Number(new URL(url).port),
    child,
    output: () => text,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Exchanges the login token with plain HTTP and returns the session cookie (`name=value`). */
export async function loginCookie(ui: GitsealUiProcess): Promise<string> {
  const res = await fetch(ui.loginUrl, { redirect: 'manual' });
  const cookie = res.headers.get('set-cookie');
  if (res.status !== 303 || cookie === null) throw new Error(`login failed: ${res.status}`);
  return cookie.split(';')[0] ?? '';
}
