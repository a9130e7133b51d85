import { spawn } from 'node:child_process';
import { CliError, ExitCode } from '../cli-error.js';
import { openKubeSession, type ClusterOptions } from '../kube-session.js';
import { parseRenewPeriod } from '../ui/key-table.js';
import { uiAssetsDir } from '../ui/ui-assets.js';
import { startUiServer, type RunningUiServer } from '../ui/ui-server.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** `127.0.0.1:0`, `localhost:8080`, `[::1]:9000` → host and port; only loopback hosts are accepted. */
export function parseUiAddress(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !Number.isInteger(port) || port > 65535) {
    throw new CliError('--address: expected HOST:PORT, e.g. 127.0.0.1:0', ExitCode.Usage);
  }
  if (!LOOPBACK_HOSTS.has(host)) {
    throw new CliError('--address: gitseal ui only listens on loopback (127.0.0.1, ::1, localhost)', ExitCode.Usage);
  }
  return { host: host === 'localhost' ? '127.0.0.1' : host, port };
}

/** Opens `url` in the desktop's browser (best effort, no shell). */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no browser: the URL is printed anyway
  }
}

/** Waits for SIGINT or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

/**
 * `gitseal ui`: serves the web UI on loopback with the user's kubeconfig until SIGINT/SIGTERM. `announce` gets the
 * lines to print at once (the URL with the login token); the command itself prints nothing when it ends.
 */
export interface UiOptions extends ClusterOptions {
  readonly address: string;
  readonly open: boolean;
  readonly controllerNamespace: string;
  readonly controllerName: string;
  readonly keyRenewPeriod: string;
}

export async function runUi(
  options: UiOptions,
  announce: (text: string) => void,
  stop: () => Promise<void> = untilSignal,
): Promise<string> {
  const { kc, namespace } = openKubeSession(options);
  const { host, port } = parseUiAddress(options.address);
  const assetsDir = uiAssetsDir();
  const renewPeriod = options.keyRenewPeriod;
  let renewPeriodMs: number;
  try {
    renewPeriodMs = parseRenewPeriod(renewPeriod);
  } catch (error) {
    throw new CliError((error as Error).message, ExitCode.Usage);
  }
  const { kubeconfig, context } = options;
  let server: RunningUiServer;
  try {
    server = await startUiServer({
      kc,
      namespace,
      host,
      port,
      assetsDir,
      keys: {
        controllerNamespace: options.controllerNamespace,
        controllerName: options.controllerName,
        renewPeriodMs,
        renewPeriod,
        ...(kubeconfig === undefined ? {} : { kubeconfig }),
        ...(context === undefined ? {} : { context }),
      },
      identity: {
        context: kc.getCurrentContext(),
        cluster: kc.getCurrentCluster()?.server ?? '',
        user: kc.getCurrentUser()?.name ?? '',
        namespace,
      },
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new CliError(`ui: cannot listen on ${host}:${port}${typeof code === 'string' ? ` (${code})` : ''}`);
  }
  announce(
    `gitseal ui: serving context ${kc.getCurrentContext()} at ${server.url}\n` +
      `Open this URL once to log in (the token works one time):\n  ${server.loginUrl}\n`,
  );
  if (options.open) openBrowser(server.loginUrl);
  await stop();
  await server.close();
  return '';
}
