import type { GitRef } from '@gitseal/manifests';
import type { ChartSourceSpec, ResolvedChart } from './chart-source.js';
import type { GitAuth } from './git-auth.js';
import type { HelmRenderSettings, RenderedChart } from './helm-settings.js';
import type { RenderedObject, RenderLimits } from './render.js';

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
    }
  | { readonly ok: false; readonly code: string; readonly message: string };
