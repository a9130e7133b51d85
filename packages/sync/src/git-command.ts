import { spawn } from 'node:child_process';
import { redactUrl } from './git-url.js';
import { SyncError, SyncErrorCode } from './sync-error.js';
import { stripControlChars } from './control-chars.js';

export interface GitPolicy {
  /** Allow plain http:// (tests and loopback only). */
  allowHttp?: boolean;
  /** Allow file:// repositories. Default true. */
  allowFile?: boolean;
}

export interface GitEnvironmentInput extends GitPolicy {
  /** A private, empty directory used as HOME, so no user config, credentials or SSH keys are picked up. */
  home: string;
  /** Extra config entries (e.g. http.extraHeader), passed through GIT_CONFIG_* variables, never argv. */
  config?: readonly (readonly [string, string])[];
  env?: Readonly<Record<string, string>>;
}

/** Variables passed through from the controller's environment (proxies and the tool path only). */
const INHERITED = ['PATH', 'http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];

/** Config every git invocation gets: no hooks, no system/global config, only the allowed transports. */
/** ssh options that give up on a server that does not answer: 15 s to connect, then 2 missed 10 s keepalives. */
export const SSH_LIVENESS = ['-o', 'ConnectTimeout=15', '-o', 'ServerAliveInterval=10', '-o', 'ServerAliveCountMax=2'];

export function hardenedGitConfig(policy: GitPolicy): [string, string][] {
  const config: [string, string][] = [
    ['core.hooksPath', '/dev/null'],
    ['core.fsmonitor', 'false'],
    ['credential.helper', ''],
    ['protocol.allow', 'never'],
    ['protocol.https.allow', 'always'],
    ['protocol.ssh.allow', 'always'],
    ['submodule.recurse', 'false'],
    ['fetch.recurseSubmodules', 'false'],
    // A server that stops sending (or never starts) is given up after 20 s below 1 KiB/s, not the whole timeout.
    ['http.lowSpeedLimit', '1024'],
    ['http.lowSpeedTime', '20'],
  ];
  if (policy.allowFile !== false) config.push(['protocol.file.allow', 'always']);
  if (policy.allowHttp) config.push(['protocol.http.allow', 'always']);
  return config;
}

/**
 * A complete environment for git, built from scratch (nothing else from the controller's environment, so a
 * stray GIT_DIR or GIT_SSL_NO_VERIFY cannot leak in). Config goes through GIT_CONFIG_COUNT/KEY/VALUE.
 */
export function gitEnvironment(input: GitEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, {
    HOME: input.home,
    XDG_CONFIG_HOME: input.home,
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ASKPASS: '/bin/false',
    SSH_ASKPASS: '/bin/false',
    GIT_PROTOCOL_FROM_USER: '0',
    GIT_SSH_COMMAND: `ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes ${SSH_LIVENESS.join(' ')}`,
  });
  Object.assign(env, input.env ?? {});
  const config = [...hardenedGitConfig(input), ...(input.config ?? [])];
  env['GIT_CONFIG_COUNT'] = String(config.length);
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

export interface RunGitOptions {
  env: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  /** Cap on stdout; the command is killed beyond it. */
  maxOutputBytes?: number;
  /** Values to scrub from messages (passwords, tokens) on top of URL user info. */
  secrets?: readonly string[];
  /** Names the operation in messages, e.g. `fetch https://host/repo`. */
  what: string;
  /** Sees every argument array handed to git (for audits and tests); never sees the environment. */
  onCommand?: (args: readonly string[]) => void;
}

export const DEFAULT_GIT_TIMEOUT_MS = 120_000;
export const DEFAULT_GIT_MAX_OUTPUT = 16 * 1024 * 1024;
const MAX_MESSAGE = 300;

/**
 * ssh prints why a connection failed before git's generic `fatal: Could not read from remote repository.`; these
 * are the causes worth naming, each as a fixed phrase (ssh's own lines can hold paths and fingerprints).
 */
const SSH_CAUSES: readonly (readonly [RegExp, string])[] = [
  [/^Host key verification failed\.$/, 'ssh: host key verification failed (known_hosts holds no matching key)'],
  [/^No [\w-]+ host key is known for /, 'ssh: no host key for this host in known_hosts'],
  [/: Permission denied \([\w,-]+\)\.$/, 'ssh: permission denied, the server refused the key'],
  [/: Connection refused$/, 'ssh: connection refused'],
  [/: Connection timed out$/, 'ssh: connection timed out'],
  [/^ssh: Could not resolve hostname /, 'ssh: could not resolve the host name'],
];

function sshCause(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const hit = SSH_CAUSES.find(([shape]) => shape.test(line));
    if (hit) return hit[1];
  }
  return undefined;
}

/**
 * One line from git's stderr for a message: the last fatal/error line, scrubbed of URLs' user info and secrets,
 * after ssh's cause when ssh failed.
 */
export function summarizeGitError(stderr: string, secrets: readonly string[] = []): string {
  const lines = stderr
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const chosen = [...lines].reverse().find((l) => /^(fatal|error):/.test(l)) ?? lines[lines.length - 1] ?? '';
  let text = stripControlChars(redactUrl(chosen.replace(/^(fatal|error):\s*/, '')));
  const ssh = sshCause(lines);
  if (ssh !== undefined) text = `${ssh}: ${text}`;
  for (const secret of secrets) text = text.split(secret).join('***');
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

function fail(options: RunGitOptions, cause: string): SyncError {
  let message = `git ${redactUrl(options.what)}: ${cause}`;
  for (const secret of options.secrets ?? []) message = message.split(secret).join('***');
  return new SyncError(SyncErrorCode.GitFailed, message);
}

/**
 * Runs git with an argument array (no shell), a built environment, a timeout (the whole process group is
 * killed) and an output cap. Resolves with stdout; rejects with a one-line, scrubbed SyncError.
 */
export function runGit(args: readonly string[], options: RunGitOptions): Promise<string> {
  options.onCommand?.(args);
  const timeoutMs = options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  const maxOutput = options.maxOutputBytes ?? DEFAULT_GIT_MAX_OUTPUT;
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], {
      cwd: options.cwd ?? options.env['HOME'],
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let failure: string | undefined;
    const kill = (why: string): void => {
      failure ??= why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => kill(`timed out after ${timeoutMs} ms`), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxOutput) kill(`output larger than ${maxOutput} bytes`);
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 64 * 1024) err += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(fail(options, error.code === 'ENOENT' ? 'git is not installed (not on PATH)' : 'could not start git'));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failure !== undefined) reject(fail(options, failure));
      else if (code !== 0) {
        reject(fail(options, summarizeGitError(err, options.secrets) || `exit code ${String(code)}`));
      } else resolve(Buffer.concat(out).toString('utf8'));
    });
  });
}
