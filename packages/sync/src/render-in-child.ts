import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RenderedChart } from './helm-settings.js';
import type { RenderedObject } from './render.js';
import type { ResolvedChart } from './chart-source.js';
import type { RenderRequest, RenderResponse, ResolveChartRequest, ResolveChartResponse } from './render-messages.js';
import { SyncError, SyncErrorCode, type SyncErrorCode as Code } from './sync-error.js';

export interface RenderInChildOptions {
  /** Whole fetch + render; default 5 min. */
  readonly timeoutMs?: number;
  /** Largest JSON answer accepted; default 96 MiB. */
  readonly maxOutputBytes?: number;
  /** Heap limit of the child; default 1024 MiB. */
  readonly maxHeapMb?: number;
}

export interface RenderedRevision {
  readonly revision: string;
  readonly commit: string;
  readonly objects: readonly RenderedObject[];
  readonly chart?: RenderedChart;
}

const CHILD = fileURLToPath(new URL('./render-child.js', import.meta.url));
/** All the child may see of the controller's environment: the tool path and proxies (no KUBECONFIG etc.). */
const PASSED = ['PATH', 'TMPDIR', 'http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];

export function childEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = { LANG: 'C' };
  for (const name of PASSED) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

const CODES = new Set<string>(Object.values(SyncErrorCode));
const processError = (message: string): SyncError => new SyncError(SyncErrorCode.RenderProcess, message);

/**
 * Runs the render child with one request and parses its one JSON answer: a fresh Node process with a clean
 * environment (no private keys, no Kubernetes credentials, no inherited variables but PATH and proxies), bounded in
 * time, heap and answer size. An answer `{ ok: false }` rejects with its SyncError; a crash with RENDER_PROCESS.
 */
function runChild<T extends { ok: true }>(
  request: RenderRequest | ResolveChartRequest,
  options: RenderInChildOptions,
  what: string,
): Promise<T> {
  const maxOutput = options.maxOutputBytes ?? 96 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 300_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${options.maxHeapMb ?? 1024}`, CHILD], {
      env: childEnvironment(),
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let problem: SyncError | undefined;
    const timer = setTimeout(() => {
      problem = processError(`${what} took longer than ${Math.round(timeoutMs / 1000)}s`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxOutput) {
        problem ??= processError(`${what}: answer larger than ${maxOutput} bytes as JSON`);
        child.kill('SIGKILL');
        return;
      }
      chunks.push(chunk);
    });
    child.on('error', () => {
      problem ??= processError('render process could not be started');
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (problem) return reject(problem);
      let response: T | { ok: false; code: string; message: string };
      try {
        response = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof response;
      } catch {
        return reject(processError(`render process ended without an answer (exit ${code ?? 'signal'})`));
      }
      if (response.ok) return resolve(response);
      const known = CODES.has(response.code) ? (response.code as Code) : SyncErrorCode.RenderProcess;
      reject(new SyncError(known, response.message));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify(request));
  });
}

/** Fetches and renders a revision in the render child (see runChild). Errors name file and object. */
export async function renderInChild(
  request: RenderRequest,
  options: RenderInChildOptions = {},
): Promise<RenderedRevision> {
  const { revision, commit, objects, chart } = await runChild<Extract<RenderResponse, { ok: true }>>(
    request,
    options,
    'fetch and render',
  );
  return { revision, commit, objects, ...(chart ? { chart } : {}) };
}

/** Resolves a chart source in the render child: its index or tag list is read and parsed there. */
export async function resolveChartInChild(
  request: ResolveChartRequest,
  options: RenderInChildOptions = {},
): Promise<ResolvedChart> {
  return (await runChild<Extract<ResolveChartResponse, { ok: true }>>(request, options, 'resolve the chart')).resolved;
}
