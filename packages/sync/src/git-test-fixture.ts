import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Real Git repositories for tests: a working repo pushing to a bare "remote" in a temp dir, served over
 * file:// and, on demand, over smart HTTP (git http-backend behind a tiny CGI bridge on 127.0.0.1).
 */
export interface GitFixture {
  readonly root: string;
  readonly bare: string;
  readonly fileUrl: string;
  git(...args: string[]): string;
  /** Writes files (path → content) and commits them on the current branch; returns the commit id. */
  commit(files: Record<string, string>, message?: string): string;
  push(...refspecs: string[]): void;
  remove(): void;
}

/** An environment for committing with git in tests: no user or system config, a fixed author, no prompts. */
export function gitTestEnv(home: string, author: string): Record<string, string> {
  const email = `${author.toLowerCase()}@example.com`;
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: author,
    GIT_AUTHOR_EMAIL: email,
    GIT_COMMITTER_NAME: author,
    GIT_COMMITTER_EMAIL: email,
    GIT_TERMINAL_PROMPT: '0',
  };
}

export function createGitFixture(): GitFixture {
  const root = mkdtempSync(join(tmpdir(), 'gitseal-sync-fixture-'));
  const bare = join(root, 'remote.git');
  const work = join(root, 'work');
  const env = gitTestEnv(root, 'Test');
  const run = (cwd: string, args: string[]): string =>
    execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  run(root, ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  run(root, ['init', '--quiet', '--initial-branch=main', work]);
  let counter = 0;
  const fixture: GitFixture = {
    root,
    bare,
    fileUrl: `file://${bare}`,
    git: (...args) => run(work, args).trim(),
    commit(files, message) {
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), content);
      }
      run(work, ['add', '--all']);
      run(work, ['commit', '--quiet', '--allow-empty', '-m', message ?? `commit ${++counter}`]);
      return run(work, ['rev-parse', 'HEAD']).trim();
    },
    push(...refspecs) {
      run(work, ['push', '--quiet', '--force', bare, ...refspecs]);
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
  return fixture;
}

export interface GitHttpServer {
  readonly url: string;
  /** Authorization headers the server saw (to check that credentials were sent). */
  readonly seenAuthorization: string[];
  close(): Promise<void>;
}

function cgiEnv(req: IncomingMessage, projectRoot: string): Record<string, string> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    REMOTE_ADDR: '127.0.0.1',
    REMOTE_USER: 'test',
  };
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const contentType = header('content-type');
  if (contentType) env['CONTENT_TYPE'] = contentType;
  const encoding = header('content-encoding');
  if (encoding) env['HTTP_CONTENT_ENCODING'] = encoding;
  const protocol = header('git-protocol');
  if (protocol) env['GIT_PROTOCOL'] = protocol;
  return env;
}

function bridge(req: IncomingMessage, res: ServerResponse, projectRoot: string): void {
  const child = spawn('git', ['http-backend'], { env: cgiEnv(req, projectRoot), stdio: ['pipe', 'pipe', 'ignore'] });
  req.pipe(child.stdin);
  let buffered = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    buffered = Buffer.concat([buffered, chunk]);
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    for (const line of buffered.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const [name, value] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    res.write(buffered.subarray(end + 4));
  });
  child.on('close', () => res.end());
}

/** Serves `projectRoot` over smart HTTP; requests must carry the given Authorization header value. */
/** `host`: where to listen (default loopback; the node tier serves pods on the pod bridge's gateway). */
/** `tls`: serve HTTPS with this certificate chain and key (PEM) instead of plain HTTP. */
export async function startGitHttpServer(
  projectRoot: string,
  authorization: string,
  host = '127.0.0.1',
  tls?: { readonly cert: string; readonly key: string },
): Promise<GitHttpServer> {
  const seenAuthorization: string[] = [];
  const handler: RequestListener = (req, res) => {
    const given = req.headers['authorization'];
    if (given) seenAuthorization.push(given);
    if (given !== authorization) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' });
      res.end();
      return;
    }
    bridge(req, res, projectRoot);
  };
  const server = tls ? createHttpsServer(tls, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://${host}:${port}`,
    seenAuthorization,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
