import { chartCachePath, chartSourceCacheDir, DigestMismatch, isCached } from './chart-cache.js';
import { ChartHttpError } from './chart-http.js';
import { downloadOciChart, resolveOciChart } from './chart-oci-source.js';
import { ChartIndexError } from './chart-repo-index.js';
import { downloadRepoChart, resolveRepoChart, type ResolvedRepoChart } from './chart-repo-source.js';
import { chartError, type ChartFetchOptions, type ChartSourceSpec, type ResolvedChart } from './chart-source.js';
import { SyncError } from './sync-error.js';

const CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

/**
 * Cheap: reads the repository's index.yaml, or the OCI tag list and the chosen version's manifest, and picks the
 * version (exact, or the newest release in the range, or the newest release). Downloads nothing, except from a
 * repository whose index.yaml gives no digest (the chart's bytes are then its identity).
 */
export async function resolveChart(spec: ChartSourceSpec, o: ChartFetchOptions): Promise<ResolvedChart> {
  return withChartErrors(spec, async () => {
    checkSpec(spec);
    const scoped = bySource(spec, o);
    return isOci(spec.url) ? resolveOciChart(spec, scoped) : resolveRepoChart(spec, scoped);
  });
}

/** The options with the cache narrowed to this source's own folder (see chartSourceCacheDir). */
function bySource(spec: ChartSourceSpec, o: ChartFetchOptions): ChartFetchOptions {
  return { ...o, cacheDir: chartSourceCacheDir(o.cacheDir, spec) };
}

/** Path of the verified .tgz in the source's cache; no download when it holds the digest already. */
export async function fetchChart(
  spec: ChartSourceSpec,
  resolved: ResolvedChart,
  given: ChartFetchOptions,
): Promise<string> {
  return withChartErrors(spec, async () => {
    checkSpec(spec);
    const o = bySource(spec, given);
    const cached = chartCachePath(o.cacheDir, resolved.digest);
    if (cached === undefined) throw chartError(spec, `version ${resolved.version}: digest is not sha256`);
    if (await isCached(cached)) return cached;
    if (isOci(spec.url)) return downloadOciChart(spec, resolved, o);
    const downloadUrl = (resolved as Partial<ResolvedRepoChart>).downloadUrl;
    // A ResolvedChart kept without downloadUrl (e.g. from status): look the version up again.
    const repoChart =
      downloadUrl !== undefined
        ? (resolved as ResolvedRepoChart)
        : await resolveRepoChart({ ...spec, version: resolved.version }, o);
    if (repoChart.digest !== resolved.digest) {
      throw chartError(
        spec,
        `version ${resolved.version}: the index now gives digest ${repoChart.digest}, not ${resolved.digest}`,
      );
    }
    return downloadRepoChart(spec, repoChart, o);
  });
}

export function isOci(url: string): boolean {
  return /^oci:\/\//i.test(url);
}

function checkSpec(spec: ChartSourceSpec): void {
  if (!CHART_NAME.test(spec.name)) throw chartError(spec, 'invalid chart name (letters, digits, . _ -)');
  if (isOci(spec.url)) return;
  let url: URL;
  try {
    url = new URL(spec.url);
  } catch {
    throw chartError(spec, 'not a valid URL (use https://… or oci://…)');
  }
  if (url.username !== '' || url.password !== '') {
    throw chartError(spec, 'credentials in the URL are not allowed (use secretRef)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw chartError(spec, `unsupported scheme ${JSON.stringify(url.protocol)} (use https:// or oci://)`);
  }
}

/** Turns transport, index and digest failures into one-line ChartFetchFailed errors naming the chart. */
async function withChartErrors<T>(spec: ChartSourceSpec, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SyncError) throw error;
    if (error instanceof ChartHttpError || error instanceof DigestMismatch) throw chartError(spec, error.message);
    if (error instanceof ChartIndexError)
      throw chartError(spec, `bad index.yaml: ${error.message.replace(/^index\.yaml: /, '')}`);
    const code = (error as NodeJS.ErrnoException).code;
    throw chartError(spec, `chart cache: ${code ?? (error as Error).name ?? 'error'}`);
  }
}
