import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeUtf8Text } from '@gitseal/manifests';
import { ranOutOfMemory, runBoundedTool } from './bounded-tool.js';
import { SyncError, SyncErrorCode } from './sync-error.js';
import { describeKustomizeError } from './kustomize-error.js';
import { checkKustomizationPaths, type KustomizationCheckLimits } from './kustomization-paths.js';

export interface KustomizeOptions {
  timeoutMs?: number;
  maxOutputBytes?: number;
  /**
   * Commands to try in order; default `kubectl kustomize`, then `kustomize build`. Program and subcommand
   * only: gitseal adds the flags, and a command that carries its own is refused.
   */
  commands?: readonly (readonly string[])[];
  /** Caps of the check of the kustomization graph that runs before kustomize. */
  check?: KustomizationCheckLimits;
  /** kustomize's address space (prlimit), default 1 GiB; 0: none. */
  maxAddressSpaceBytes?: number;
}

export const DEFAULT_KUSTOMIZE_COMMANDS: readonly (readonly string[])[] = [
  ['kubectl', 'kustomize'],
  ['kustomize', 'build'],
];
export const DEFAULT_KUSTOMIZE_TIMEOUT_MS = 60_000;
export const DEFAULT_KUSTOMIZE_MAX_OUTPUT = 64 * 1024 * 1024;

/**
 * The program and arguments for building `dir` with one kustomize command. The only flag is kustomize's
 * default load restrictor, made explicit: files of a kustomization must lie below its directory. Plugins,
 * exec, Helm and other restrictors stay off because no other flag is ever passed.
 */
export function kustomizeArgs(command: readonly string[], dir: string): { file: string; args: string[] } {
  const [file, ...rest] = command;
  if (file === undefined || file === '') throw new SyncError(SyncErrorCode.RenderFailed, 'empty kustomize command');
  if (rest.some((arg) => arg.startsWith('-'))) {
    throw new SyncError(
      SyncErrorCode.RenderFailed,
      `kustomize command ${file}: flags are set by gitseal, not configured`,
    );
  }
  return { file, args: [...rest, '--load-restrictor', 'LoadRestrictionsRootOnly', resolve(dir)] };
}

interface ToolResult {
  missing?: true;
  stdout?: string;
}

/**
 * A clean environment for kustomize: no credentials, no kubeconfig, no git or user config, git allowed no
 * transport, and the HTTP(S) proxies pointed at a dead port with NO_PROXY empty, so that no host is exempt.
 * That does not stop loopback: Go's proxy selection (golang.org/x/net/http/httpproxy, useProxy) always goes
 * direct to "localhost" and loopback IPs whatever NO_PROXY says; kubectl 1.32 (kustomize 5.5) fetched
 * http://127.0.0.1:<port>/ and http://localhost:<port>/ resources with this environment. The static check
 * (checkKustomizationPaths) is what keeps remote references out; this is only a second layer for other hosts.
 */
export function kustomizeEnv(home: string): Record<string, string> {
  const deadProxy = 'http://127.0.0.1:9';
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    KUBECONFIG: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: '',
    HTTPS_PROXY: deadProxy,
    HTTP_PROXY: deadProxy,
    https_proxy: deadProxy,
    http_proxy: deadProxy,
    NO_PROXY: '',
    no_proxy: '',
  };
}

/** kustomize's address space, as helm's: a 10,000-object build takes far less. */
export const DEFAULT_KUSTOMIZE_ADDRESS_SPACE = 1024 * 1024 * 1024;

async function runTool(
  command: readonly string[],
  dir: string,
  env: Record<string, string>,
  limits: { timeoutMs: number; maxOutputBytes: number; maxAddressSpaceBytes: number; shown: string; root: string },
): Promise<ToolResult> {
  const { file, args } = kustomizeArgs(command, dir);
  const result = await runBoundedTool({
    file,
    args,
    env,
    cwd: dir,
    timeoutMs: limits.timeoutMs,
    maxOutputBytes: limits.maxOutputBytes,
    maxAddressSpaceBytes: limits.maxAddressSpaceBytes,
  });
  if (result.missing) return { missing: true };
  const what = `${limits.shown}: ${command.join(' ')}`;
  if (result.failure !== undefined) throw new SyncError(SyncErrorCode.RenderFailed, `${what}: ${result.failure}`);
  if (result.code !== 0) {
    const kind =
      result.limited && ranOutOfMemory(result.stderr)
        ? `ran out of memory (more than ${Math.round(result.limited / 1024 / 1024)} MiB of address space)`
        : describeKustomizeError(result.stderr, { root: limits.root, dir });
    throw new SyncError(SyncErrorCode.RenderFailed, `${what} failed: ${kind ?? `exit ${result.code ?? 'signal'}`}`);
  }
  try {
    return { stdout: decodeUtf8Text(result.stdout, what) };
  } catch {
    throw new SyncError(SyncErrorCode.RenderFailed, `${what}: output is not UTF-8 text`);
  }
}

/**
 * Builds a kustomization with `kubectl kustomize` (or `kustomize build`), with a timeout and an output cap.
 * First the whole kustomization graph is checked to stay in `root` (the checkout) with no remote references,
 * no Helm and no plugins but kustomize's builtins (checkKustomizationPaths); kustomize then runs with its
 * root-only load restrictor, no plugin, exec or Helm flags, and dead proxies (see kustomizeEnv for what they
 * do not stop). A failure names `shown` (the kustomization file's repository path) and a kind of error, never
 * kustomize's own words: they can quote manifest content.
 */
export async function runKustomize(
  dir: string,
  shown: string,
  options: KustomizeOptions = {},
  root: string = dir,
): Promise<string> {
  const commands = options.commands ?? DEFAULT_KUSTOMIZE_COMMANDS;
  commands.forEach((command) => kustomizeArgs(command, dir));
  await checkKustomizationPaths(await realpath(root), dir, options.check);
  const home = await mkdtemp(join(tmpdir(), 'gitseal-kustomize-'));
  try {
    const env = kustomizeEnv(home);
    const limits = {
      timeoutMs: options.timeoutMs ?? DEFAULT_KUSTOMIZE_TIMEOUT_MS,
      maxOutputBytes: options.maxOutputBytes ?? DEFAULT_KUSTOMIZE_MAX_OUTPUT,
      maxAddressSpaceBytes: options.maxAddressSpaceBytes ?? DEFAULT_KUSTOMIZE_ADDRESS_SPACE,
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
