// Real chart servers on loopback for the chart-source tests: the CNCF distribution registry (built from the Go
// module proxy) and a static HTTP(S) file server holding `helm package` output and `helm repo index`.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join, normalize, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from '../cluster/free-port.js';
import { resolveHelmBinary } from '../cluster/helm-binary.js';
import { generatePki } from '../cluster/pki.js';
import { resolveRegistryBinary } from '../cluster/registry-binary.js';
import { runCommand, runCommandOk } from './run-command.js';

export interface TestCredentials {
  readonly username: string;
  readonly password: string;
}

/** A throwaway CA and a serving certificate for 127.0.0.1/localhost. */
export interface TestTls {
  readonly caPem: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export async function makeTestTls(dir: string): Promise<TestTls> {
  const pki = await generatePki(dir);
  return { caPem: pki.caPem, caFile: pki.caCertPath, certFile: pki.servingCertPath, keyFile: pki.servingKeyPath };
}

export interface OciRegistry {
  /** `oci://127.0.0.1:PORT` */
  readonly url: string;
  /** `127.0.0.1:PORT` */
  readonly host: string;
  readonly tls?: TestTls;
  readonly auth?: TestCredentials;
  /** helm flags that reach this registry (`--ca-file …` or `--plain-http`). */
  readonly helmFlags: readonly string[];
  /** HELM_REGISTRY_CONFIG for helm commands against it (logged in when it has auth). */
  readonly helmEnv: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/**
 * Starts the distribution registry on a free loopback port: filesystem storage in a temporary folder, TLS from a
 * throwaway CA when `tls`, htpasswd (bcrypt, `htpasswd -B`) auth when `auth`.
 */
export async function startOciRegistry(options: { auth?: TestCredentials; tls: boolean }): Promise<OciRegistry> {
  const binary = await resolveRegistryBinary();
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-registry-'));
  try {
    const tls = options.tls ? await makeTestTls(join(dir, 'pki')) : undefined;
    if (options.auth) {
      await runCommandOk('htpasswd', ['-Bbc', join(dir, 'htpasswd'), options.auth.username, options.auth.password]);
    }
    for (let attempt = 0; ; attempt++) {
      const port = await findFreePort();
      const host = `127.0.0.1:${port}`;
      writeFileSync(join(dir, 'config.yml'), registryConfig(dir, host, tls, options.auth !== undefined));
      const child = spawn(binary, ['serve', join(dir, 'config.yml')], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, OTEL_TRACES_EXPORTER: 'none', OTEL_SDK_DISABLED: 'true' },
      });
      let log = '';
      child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
      const ready = await waitForRegistry(child, host, tls?.caPem);
      if (!ready) {
        await stopChild(child);
        if (attempt < 3 && /address already in use/.test(log)) continue;
        throw new Error(`the OCI registry did not start on ${host}: ${log.trim().split('\n').slice(-3).join(' | ')}`);
      }
      const helmFlags = tls ? ['--ca-file', tls.caFile] : ['--plain-http'];
      const helmEnv = { ...process.env, HELM_REGISTRY_CONFIG: join(dir, 'helm-registry.json') };
      if (options.auth) {
        const helm = await resolveHelmBinary();
        await runCommandOk(
          helm,
          ['registry', 'login', host, '--username', options.auth.username, '--password-stdin', ...helmFlags],
          {
            input: options.auth.password,
            env: helmEnv,
          },
        );
      }
      return {
        url: `oci://${host}`,
        host,
        ...(tls ? { tls } : {}),
        ...(options.auth ? { auth: options.auth } : {}),
        helmFlags,
        helmEnv,
        stop: async () => {
          await stopChild(child);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function registryConfig(dir: string, host: string, tls: TestTls | undefined, auth: boolean): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(join(dir, 'data'))}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${host}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (tls)
    lines.push('  tls:', `    certificate: ${JSON.stringify(tls.certFile)}`, `    key: ${JSON.stringify(tls.keyFile)}`);
  if (auth)
    lines.push('auth:', '  htpasswd:', '    realm: gitseal-test', `    path: ${JSON.stringify(join(dir, 'htpasswd'))}`);
  return `${lines.join('\n')}\n`;
}

/** Polls `/v2/` until it answers (200, or 401 with auth); false when the process exits first or 20 s pass. */
async function waitForRegistry(child: ChildProcess, host: string, caPem: string | undefined): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  const { request } = caPem ? await import('node:https') : await import('node:http');
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    const status = await new Promise<number>((resolve) => {
      const req = request(
        `${caPem ? 'https' : 'http'}://${host}/v2/`,
        { ...(caPem ? { ca: caPem } : {}), timeout: 2000 },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.once('error', () => resolve(0));
      req.once('timeout', () => req.destroy());
      req.end();
    });
    if (status === 200 || status === 401) return true;
    await sleep(100);
  }
  return false;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** One request the chart repository answered. */
export interface ChartRequest {
  readonly path: string;
  /** The Authorization header it carried, if any. */
  readonly authorization?: string;
  readonly status: number;
}

export interface ChartRepository {
  /** `https://127.0.0.1:PORT` (or http://) */
  readonly url: string;
  readonly tls?: TestTls;
  /** Every request, in order. */
  readonly requests: ChartRequest[];
  stop(): Promise<void>;
}

export interface ChartRepositoryOptions {
  /** The folder served (index.yaml and the .tgz files). */
  readonly dir: string;
  readonly basicAuth?: TestCredentials;
  readonly tls: boolean | TestTls;
  /** Paths answered with a 302 to this URL instead of a file. */
  readonly redirects?: Readonly<Record<string, string>>;
}

/** A static HTTP(S) file server on loopback, as a Helm repository is: GET only, optional basic auth. */
export async function startChartRepository(options: ChartRepositoryOptions): Promise<ChartRepository> {
  const pkiDir = options.tls === true ? mkdtempSync(join(tmpdir(), 'gitseal-chart-repo-pki-')) : undefined;
  const tls =
    options.tls === true ? await makeTestTls(pkiDir as string) : options.tls === false ? undefined : options.tls;
  const requests: ChartRequest[] = [];
  const expected = options.basicAuth
    ? `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`
    : undefined;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const answer = (status: number, headers: Record<string, string> = {}) => {
      requests.push({
        path,
        status,
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      });
      res.writeHead(status, headers);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return (answer(405), res.end());
    if (expected !== undefined && req.headers.authorization !== expected) {
      return (answer(401, { 'www-authenticate': 'Basic realm="charts"' }), res.end());
    }
    const redirect = options.redirects?.[path];
    if (redirect !== undefined) return (answer(302, { location: redirect }), res.end());
    const file = normalize(join(options.dir, decodeURIComponent(path)));
    if (!file.startsWith(options.dir + sep)) return (answer(404), res.end());
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      return (answer(404), res.end());
    }
    answer(200, {
      'content-length': String(size),
      'content-type': file.endsWith('.yaml') ? 'text/yaml' : 'application/gzip',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  };
  const server: Server = tls
    ? createHttpsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    ...(tls ? { tls } : {}),
    requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (pkiDir) rmSync(pkiDir, { recursive: true, force: true });
    },
  };
}

/** A chart folder: Chart.yaml (with `dependencies` when given) and one ConfigMap template. */
export function writeChart(
  dir: string,
  chart: { name: string; version: string; dependencies?: readonly Record<string, string>[]; padding?: number },
): string {
  const chartDir = join(dir, chart.name);
  rmSync(chartDir, { recursive: true, force: true });
  const deps = chart.dependencies ?? [];
  const depLines = deps.flatMap((d) =>
    Object.entries(d).map(([k, v], j) => `${j === 0 ? '  - ' : '    '}${k}: ${JSON.stringify(v)}`),
  );
  const chartYaml = [
    'apiVersion: v2',
    `name: ${chart.name}`,
    `version: ${chart.version}`,
    ...(deps.length > 0 ? ['dependencies:', ...depLines] : []),
  ].join('\n');
  writeFileSyncMkdir(join(chartDir, 'Chart.yaml'), `${chartYaml}\n`);
  writeFileSyncMkdir(
    join(chartDir, 'templates', 'config.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-{{ .Chart.Name }}\n' +
      'data:\n  version: {{ .Chart.Version | quote }}\n',
  );
  // Incompressible bytes, for charts that must be large after gzip.
  if (chart.padding) writeFileSyncMkdir(join(chartDir, 'files', 'padding.bin'), randomBytes(chart.padding));
  return chartDir;
}

function writeFileSyncMkdir(path: string, data: string | Buffer): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, data);
}

/** `helm package chartDir -d outDir`; the .tgz's path. */
export async function packageChart(chartDir: string, outDir: string): Promise<string> {
  const helm = await resolveHelmBinary();
  const run = await runCommandOk(helm, ['package', chartDir, '-d', outDir]);
  const path = /saved it to: (.+\.tgz)/.exec(run)?.[1];
  if (!path) throw new Error(`helm package ${chartDir}: no .tgz in its output`);
  return path.trim();
}

/** `helm repo index dir` (chart URLs relative to the repository). */
export async function indexRepository(dir: string): Promise<void> {
  const helm = await resolveHelmBinary();
  await runCommandOk(helm, ['repo', 'index', dir]);
}

/** `helm push tgz oci://host/<path>` to a test registry (logged in by startOciRegistry when it has auth). */
export async function pushChart(registry: OciRegistry, tgz: string, path = 'charts'): Promise<void> {
  const helm = await resolveHelmBinary();
  const run = await runCommand(helm, ['push', tgz, `${registry.url}/${path}`, ...registry.helmFlags], {
    env: registry.helmEnv,
  });
  if (run.code !== 0) throw new Error(`helm push ${tgz}: ${run.stderr.trim()}`);
}
