import type { GitAuth } from './git-auth.js';
import { SyncError, SyncErrorCode } from './sync-error.js';

/** A chart in a Helm repository (`https://…`, index.yaml) or an OCI registry (`oci://host/path`). */
export interface ChartSourceSpec {
  readonly url: string;
  readonly name: string;
  /** An exact version or a semver range; default the newest release. */
  readonly version?: string;
}

export interface ResolvedChart {
  readonly name: string;
  readonly version: string;
  /** `sha256:<hex>` of the chart .tgz (repository: the index's digest, else the downloaded bytes'; OCI: the layer's). */
  readonly digest: string;
  /** The .tgz URL or the OCI reference, for messages: never holds credentials. */
  readonly location: string;
  /** The layer size an OCI manifest declares (bytes); undefined for repositories. */
  readonly size?: number;
}

export interface ChartFetchOptions {
  /** username/password (basic, or the OCI token endpoint), bearerToken, caBundle. */
  readonly auth?: GitAuth;
  readonly allowHttp?: boolean;
  /** One HTTP request's deadline, connection to last byte; default 60 s. */
  readonly timeoutMs?: number;
  /** Compressed chart cap; default 16 MiB. */
  readonly maxChartBytes?: number;
  /** index.yaml cap; default 32 MiB. */
  readonly maxIndexBytes?: number;
  /** OCI tags read across all pages of a tag list; default 10,000. */
  readonly maxTags?: number;
  /** Charts are cached as `<cacheDir>/charts/<sha256hex>.tgz`. */
  readonly cacheDir: string;
}

export const DEFAULT_CHART_LIMITS = {
  timeoutMs: 60_000,
  maxChartBytes: 16 * 1024 * 1024,
  maxIndexBytes: 32 * 1024 * 1024,
  maxTags: 10_000,
} as const;

export type ChartLimits = { readonly [K in keyof typeof DEFAULT_CHART_LIMITS]: number };

export function chartLimits(o: ChartFetchOptions): ChartLimits {
  return {
    timeoutMs: o.timeoutMs ?? DEFAULT_CHART_LIMITS.timeoutMs,
    maxChartBytes: o.maxChartBytes ?? DEFAULT_CHART_LIMITS.maxChartBytes,
    maxIndexBytes: o.maxIndexBytes ?? DEFAULT_CHART_LIMITS.maxIndexBytes,
    maxTags: o.maxTags ?? DEFAULT_CHART_LIMITS.maxTags,
  };
}

/** `chart wordpress from https://charts.example.com/stable: <why>`: one line, no credentials. */
export function chartError(spec: Pick<ChartSourceSpec, 'url' | 'name'>, why: string): SyncError {
  const where = `chart ${JSON.stringify(spec.name).slice(1, -1).slice(0, 100)} from ${shownUrl(spec.url)}`;
  return new SyncError(SyncErrorCode.ChartFetchFailed, `${where}: ${oneLine(why)}`);
}

/** The URL without userinfo, query or fragment, capped: safe to print. */
export function shownUrl(url: string): string {
  let shown: string;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    shown = u.toString();
  } catch {
    shown = url.replace(/\/\/[^/@]*@/, '//***@');
  }
  return oneLine(shown).slice(0, 200);
}

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}
