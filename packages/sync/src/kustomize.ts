import { spawn } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyncError, SyncErrorCode } from './sync-error.js';
import { describeKustomizeError } from './kustomize-error.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

export interface KustomizeOptions {
  timeoutMs?: number;
  maxOutputBytes?: number;
  /** Commands to try in order; default `kubectl kustomize`, then `kustomize build`. */
  commands?: readonly (readonly string[])[];
  /** Let kustomize load remote bases and URLs. Default false (they fail: no git transports, a dead proxy). */
  allowRemoteResources?: boolean;
}

export const DEFAULT_KUSTOMIZE_COMMANDS: readonly (readonly string[])[] = [
  ['kubectl', 'kustomize'],
  ['kustomize', 'build'],
];
export const DEFAULT_KUSTOMIZE_TIMEOUT_MS = 60_000;
export const DEFAULT_KUSTOMIZE_MAX_OUTPUT = 64 * 1024 * 1024;

/** The kustomization file in `dir`, if there is one. */
export async function findKustomization(dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILES) {
    try {
      await access(join(dir, name));
      return name;
    } catch {
      // try the next name
    }
  }
  return undefined;
}

interface ToolResult {
  missing?: true;
  stdout?: string;
}

function toolEnv(home: string, allowRemote: boolean): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    KUBECONFIG: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
  };
  if (!allowRemote) {
    Object.assign(env, {
      GIT_ALLOW_PROTOCOL: '',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      HTTP_PROXY: 'http://127.0.0.1:9',
      https_proxy: 'http://127.0.0.1:9',
      http_proxy: 'http://127.0.0.1:9',
    });
  }
  return env;
}

function runTool(
  command: readonly string[],
  dir: string,
  env: Record<string, string>,
  limits: { timeoutMs: number; maxOutputBytes: number; shown: string; root: string },
): Promise<ToolResult> {
  const [file, ...args] = command;
  return new Promise((resolve, reject) => {
    const child = spawn(file ?? 'kubectl', [...args, dir], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let bytes = 0;
    let stderr = '';
    let failure: string | undefined;
    const timer = setTimeout(() => {
      failure ??= `timed out after ${limits.timeoutMs} ms`;
      child.kill('SIGKILL');
    }, limits.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limits.maxOutputBytes) {
        failure ??= `output larger than ${limits.maxOutputBytes} bytes`;
        child.kill('SIGKILL');
      } else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT') resolve({ missing: true });
      else reject(new SyncError(SyncErrorCode.RenderFailed, `${limits.shown}: could not start ${file}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const what = `${limits.shown}: ${command.join(' ')}`;
      if (failure !== undefined) reject(new SyncError(SyncErrorCode.RenderFailed, `${what}: ${failure}`));
      else if (code !== 0) {
        const kind = describeKustomizeError(stderr, { root: limits.root, dir });
        reject(new SyncError(SyncErrorCode.RenderFailed, `${what} failed: ${kind ?? `exit ${code ?? 'signal'}`}`));
      } else resolve({ stdout: Buffer.concat(out).toString('utf8') });
    });
  });
}

/**
 * Builds a kustomization with `kubectl kustomize` (or `kustomize build`), with a timeout and an output cap.
 * Helm charts and exec plugins stay off (kustomize's defaults); remote resources are refused unless allowed.
 * A failure names `shown` (the kustomization file's repository path) and a kind of error, never kustomize's own
 * words: they can quote manifest content. `root` is the checkout, for showing the paths kustomize names.
 */
export async function runKustomize(
  dir: string,
  shown: string,
  options: KustomizeOptions = {},
  root: string = dir,
): Promise<string> {
  const commands = options.commands ?? DEFAULT_KUSTOMIZE_COMMANDS;
  const home = await mkdtemp(join(tmpdir(), 'gitseal-kustomize-'));
  try {
    const env = toolEnv(home, options.allowRemoteResources === true);
    const limits = {
      timeoutMs: options.timeoutMs ?? DEFAULT_KUSTOMIZE_TIMEOUT_MS,
      maxOutputBytes: options.maxOutputBytes ?? DEFAULT_KUSTOMIZE_MAX_OUTPUT,
      shown,
      root,
    };
    for (const command of commands) {
      const result = await runTool(command, dir, env, limits);
      if (!result.missing) return result.stdout ?? '';
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
  const tools = commands.map((c) => c[0]).join(' or ');
  throw new SyncError(SyncErrorCode.ToolMissing, `${shown}: kustomization found but ${tools} is not on PATH`);
}
