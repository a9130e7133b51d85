import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveGiteaBinary } from '../cluster/gitea-binary.js';
import { findFreePort } from '../cluster/free-port.js';
import { runCommand } from './run-command.js';

/** The admin user every test server has; its token is the only credential the tests use. */
export const GITEA_OWNER = 'gitseal-admin';

export interface GiteaResponse {
  readonly status: number;
  /** The parsed body, undefined when it is not JSON (a 500 answers with a plain-text panic). */
  readonly json: unknown;
  readonly text: string;
}

export interface RunningGitea {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly owner: string;
  /** An access token with all scopes for `owner`. */
  readonly token: string;
  /** The repository created at start, empty (no commits). */
  readonly repo: string;
  /** `http://127.0.0.1:<port>/<owner>/<repo>.git`, without credentials. */
  readonly cloneUrl: string;
  /** `git -c <this> push ...`: the token as Basic credentials in a header, never in a URL. */
  readonly gitAuthConfig: string;
  readonly child: ChildProcess;
  /** A JSON call to `/api/v1<path>` with the token. */
  api(method: string, path: string, body?: unknown): Promise<GiteaResponse>;
  output(): string;
  stop(): Promise<void>;
}

/** Loopback only, SQLite in the temp folder, no mail, no SSH, no registration, no Actions, no outbound calls. */
function appIni(dir: string, port: number, staticRoot: string | undefined): string {
  return `APP_NAME = gitseal-test
RUN_MODE = prod
WORK_PATH = ${dir}
I_AM_BEING_UNSAFE_RUNNING_AS_ROOT = true

[server]
PROTOCOL = http
HTTP_ADDR = 127.0.0.1
HTTP_PORT = ${port}
ROOT_URL = http://127.0.0.1:${port}/
DISABLE_SSH = true
START_SSH_SERVER = false
OFFLINE_MODE = true
LFS_START_SERVER = false
APP_DATA_PATH = ${join(dir, 'data')}
${staticRoot ? `STATIC_ROOT_PATH = ${staticRoot}` : ''}

[database]
DB_TYPE = sqlite3
PATH = ${join(dir, 'data', 'gitea.db')}

[repository]
ROOT = ${join(dir, 'repositories')}

[security]
INSTALL_LOCK = true
SECRET_KEY = ${randomBytes(24).toString('hex')}
ALLOWED_HOST_LIST = loopback

[service]
DISABLE_REGISTRATION = true
REQUIRE_SIGNIN_VIEW = true

[mailer]
ENABLED = false

[webhook]
DELIVER_TIMEOUT = 5

[actions]
ENABLED = false

[cron]
ENABLED = false

[log]
MODE = console
LEVEL = warn
ROOT_PATH = ${join(dir, 'log')}
`;
}

/**
 * The real Gitea on loopback with a temporary app.ini and data folder: an admin user (`gitea admin user create`), an
 * all-scopes token (`gitea admin user generate-access-token`), and one empty private repository made through the API.
 */
export async function startGitea(options: { repo?: string } = {}): Promise<RunningGitea> {
  const { binary, staticRoot } = await resolveGiteaBinary();
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-gitea-'));
  mkdirSync(join(dir, 'data'), { recursive: true });
  const config = join(dir, 'app.ini');
  const port = await findFreePort();
  writeFileSync(config, appIni(dir, port, staticRoot));
  const url = `http://127.0.0.1:${port}`;
  // Gitea's git hooks call this binary back with the config; keep the caller's GIT_* settings out of it.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('GIT_')));
  const gitea = async (args: string[]): Promise<string> => {
    const run = await runCommand(binary, ['--config', config, '--work-path', dir, ...args], { env });
    if (run.code !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`gitea ${args.slice(0, 3).join(' ')} exited with ${run.code}: ${run.stderr.trim().slice(-500)}`);
    }
    return run.stdout;
  };
  await gitea(['migrate']);
  const password = randomBytes(18).toString('base64url');
  await gitea(
    ['admin', 'user', 'create', '--username', GITEA_OWNER, '--password', password].concat([
      '--email',
      'admin@gitseal.test',
      '--admin',
      '--must-change-password=false',
    ]),
  );
  const tokenArgs = ['admin', 'user', 'generate-access-token', '--username', GITEA_OWNER, '--raw'];
  const token =
    (await gitea([...tokenArgs, '--token-name', 'gitseal-tests', '--scopes', 'all'])).trim().split('\n').pop() ?? '';
  if (!/^[0-9a-f]{40}$/.test(token)) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error('gitea admin user generate-access-token printed no token');
  }

  const child = spawn(binary, ['--config', config, '--work-path', dir, 'web'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-20_000));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const api = async (method: string, path: string, body?: unknown): Promise<GiteaResponse> => {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { authorization: `token ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text };
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`gitea exited with ${child.exitCode}:\n${output.slice(-2000)}`);
    }
    const ready = await fetch(`${url}/api/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`gitea not ready after 60 s:\n${output.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const repo = options.repo ?? 'deploy';
  const created = await api('POST', '/user/repos', { name: repo, private: true, auto_init: false });
  if (created.status !== 201) {
    await stop();
    throw new Error(`gitea: creating repository ${GITEA_OWNER}/${repo} answered ${created.status}`);
  }
  const basic = Buffer.from(`${GITEA_OWNER}:${token}`).toString('base64');
  return {
    url,
    owner: GITEA_OWNER,
    token,
    repo,
    cloneUrl: `${url}/${GITEA_OWNER}/${repo}.git`,
    gitAuthConfig: `http.extraHeader=Authorization: Basic ${basic}`,
    child,
    api,
    output: () => output,
    stop,
  };
}

const NO_PROMPT = { ...process.env, GIT_TERMINAL_PROMPT: '0' };

/** git without prompts; rejects naming the command (never an auth header) and git's stderr when it fails. */
export async function git(args: readonly string[]): Promise<string> {
  const run = await runCommand('git', [...args], { env: NO_PROMPT });
  if (run.code !== 0) {
    throw new Error(`git ${args.filter((a) => !a.includes('Authorization')).join(' ')}: ${run.stderr.trim()}`);
  }
  return run.stdout.trim();
}

/** Writes `files` into the clone `work` (made with `git init -b main` when new), commits them; the commit's sha. */
export async function commitFiles(work: string, files: Record<string, string>, message = 'change'): Promise<string> {
  if (!existsSync(join(work, '.git'))) await git(['-C', work, 'init', '-q', '-b', 'main']);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(work, name), content);
  await git(['-C', work, 'add', '.']);
  await git(['-C', work, '-c', 'user.name=gitseal', '-c', 'user.email=t@gitseal.test', 'commit', '-q', '-m', message]);
  return git(['-C', work, 'rev-parse', 'HEAD']);
}

/** Pushes main of `work` to the server's repository with the token (in a header, never in the URL). */
export async function pushMain(gitea: RunningGitea, work: string): Promise<void> {
  await git(['-C', work, '-c', gitea.gitAuthConfig, 'push', '-q', gitea.cloneUrl, 'main']);
}

/**
 * Resolves once Gitea has recorded the first push: its post-receive hook queues it, and until the repository stops
 * being `empty`, v1.27.3's branch API answers 500 (a nil git repository).
 */
export async function waitPushRecorded(gitea: RunningGitea, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; ;) {
    const repo = await gitea.api('GET', `/repos/${gitea.owner}/${gitea.repo}`);
    if ((repo.json as { empty?: boolean } | undefined)?.empty === false) return;
    if (Date.now() > deadline) throw new Error(`the pushed repository is still empty after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
