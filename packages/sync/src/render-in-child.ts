import type { RenderedChart } from './helm-settings.js';
import type { RenderedObject } from './render.js';
import type { ResolvedChart } from './chart-source.js';
import type { RenderRequest, RenderResponse, ResolveChartRequest, ResolveChartResponse } from './render-messages.js';
import { defaultRenderPool, type RenderPool } from './render-pool.js';

export { childEnvironment } from './render-worker.js';

export interface RenderInChildOptions {
  /** Whole fetch + render; default 5 min. At the timeout the render worker is stopped. */
  readonly timeoutMs?: number;
  /** Largest JSON answer accepted; default 96 MiB. */
  readonly maxOutputBytes?: number;
  /** The workers to use; default the process's own (defaultRenderPool). */
  readonly pool?: RenderPool;
  /**
   * Requests of different keys never share a worker process (the sync engine gives the GitSync's namespace, so a
   * tenant's render never runs beside another tenant's credentials). Default: one shared key.
   */
  readonly isolation?: string;
}

export interface RenderedRevision {
  readonly revision: string;
  readonly commit: string;
  readonly objects: readonly RenderedObject[];
  readonly chart?: RenderedChart;
  /** What the render depended on (see renderInputsKey); absent for charts. */
  readonly inputs?: string;
  /** The inputs equal the request's `reuse`: nothing was rendered and `objects` is empty. */
  readonly unchanged?: true;
}

function call(options: RenderInChildOptions, what: string) {
  return {
    what,
    timeoutMs: options.timeoutMs ?? 300_000,
    maxOutputBytes: options.maxOutputBytes ?? 96 * 1024 * 1024,
  };
}

/**
 * Fetches and renders a revision in a render worker (render-worker.ts: no keys, no Kubernetes credentials, a clean
 * environment, bounded in time, heap and answer size). Errors name file and object; a worker that dies or times
 * out fails the request with RENDER_PROCESS.
 */
export async function renderInChild(
  request: RenderRequest,
  options: RenderInChildOptions = {},
): Promise<RenderedRevision> {
  const pool = options.pool ?? defaultRenderPool();
  const out = await pool.request<Extract<RenderResponse, { ok: true }>>(
    options.isolation ?? '',
    request.url,
    request,
    call(options, 'fetch and render'),
  );
  const { revision, commit, objects, chart, inputs, unchanged } = out;
  return {
    revision,
    commit,
    objects,
    ...(chart ? { chart } : {}),
    ...(inputs === undefined ? {} : { inputs }),
    ...(unchanged ? { unchanged } : {}),
  };
}

/** Resolves a chart source in a render worker: its index or tag list is read and parsed there. */
export async function resolveChartInChild(
  request: ResolveChartRequest,
  options: RenderInChildOptions = {},
): Promise<ResolvedChart> {
  const pool = options.pool ?? defaultRenderPool();
  const out = await pool.request<Extract<ResolveChartResponse, { ok: true }>>(
    options.isolation ?? '',
    request.resolveChart.url,
    request,
    call(options, 'resolve the chart'),
  );
  return out.resolved;
}
