import type { GitRef } from '@gitseal/manifests';
import type { ChartSourceSpec, ResolvedChart } from './chart-source.js';
import type { GitAuth } from './git-auth.js';
import type { HelmRenderSettings, RenderedChart } from './helm-settings.js';
import type { RenderedObject, RenderLimits } from './render.js';
import type { ResolvedRef } from './ref-resolve.js';

/** What the parent sends the render child (on its stdin, as JSON). */
export interface RenderRequest {
  readonly url: string;
  readonly ref?: GitRef;
  readonly auth?: GitAuth;
  readonly cacheDir: string;
  readonly path?: string;
  readonly limits?: RenderLimits;
  readonly allowHttp?: boolean;
  readonly allowFile?: boolean;
  /** Per git command. */
  readonly gitTimeoutMs?: number;
  /** Largest fetched repository and checkout (bytes). */
  readonly gitMaxBytes?: number;
  /** How a chart folder is rendered (always sent: only the render finds out whether the path is a chart). */
  readonly helm?: HelmRenderSettings;
  /**
   * A chart from a Helm repository or OCI registry (spec.source.chart), resolved by the parent: the child fetches
   * it (or takes it from the cache) and renders it; `url` and `ref` are then not a Git repository.
   */
  readonly chart?: { readonly source: ChartSourceSpec; readonly resolved: ResolvedChart };
  /** The ref as the parent resolved it: fetched without another `ls-remote`. */
  readonly resolved?: ResolvedRef;
  /**
   * A persistent worktree to check out into and update in place (one per GitSync: a hex id the parent derives);
   * without it, a fresh checkout that is removed afterwards.
   */
  readonly workspace?: string;
  /**
   * The inputs key of the render the parent holds for these source settings: when the new commit's key is the
   * same, the child answers `unchanged` without checking out or rendering.
   */
  readonly reuse?: string;
}

/**
 * Asks the child only to resolve a chart source (read index.yaml or the OCI tag list): a repository's index can be
 * tens of MiB of YAML, parsed there rather than on the controller's event loop.
 */
export interface ResolveChartRequest {
  readonly resolveChart: ChartSourceSpec;
  readonly cacheDir: string;
  readonly auth?: GitAuth;
  readonly allowHttp?: boolean;
  readonly timeoutMs?: number;
}

export type ResolveChartResponse =
  | { readonly ok: true; readonly resolved: ResolvedChart }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** What the child answers (on its stdout, one JSON document). */
export type RenderResponse =
  | {
      readonly ok: true;
      readonly revision: string;
      readonly commit: string;
      readonly objects: readonly RenderedObject[];
      /** Set when the source was a Helm chart. */
      readonly chart?: RenderedChart;
      /** What the render depended on (renderInputsKey); absent when it is not known (charts). */
      readonly inputs?: string;
      /** The inputs equal the request's `reuse`: nothing was rendered, `objects` is empty. */
      readonly unchanged?: true;
    }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** One request to the render worker: a line of JSON on its stdin. */
export interface WorkerRequest {
  readonly id: number;
  /** Largest answer, as JSON, the parent accepts for this request. */
  readonly maxOutputBytes: number;
  readonly request: RenderRequest | ResolveChartRequest;
}

/** One answer of the render worker: a line of JSON on its stdout, with the worker's resident memory. */
export type WorkerResponse =
  | { readonly id: number; readonly rss: number; readonly response: RenderResponse | ResolveChartResponse }
  | { readonly id: number; readonly rss: number; readonly oversized: true };
