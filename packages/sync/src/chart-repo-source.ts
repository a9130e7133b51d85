import { rm } from 'node:fs/promises';
import { chartAuthorization } from './chart-auth.js';
import { chartCachePath, chartTempPath, commitDownload, isCached } from './chart-cache.js';
import { chartGet, statusProblem } from './chart-http.js';
import { chartIndexEntries, repositoryBase } from './chart-repo-index.js';
import {
  chartError,
  chartLimits,
  shownUrl,
  type ChartFetchOptions,
  type ChartSourceSpec,
  type ResolvedChart,
} from './chart-source.js';
import { newestVersions, pickChartVersion } from './chart-version-pick.js';

/** A chart version found in a Helm repository's index.yaml; `downloadUrl` may hold a query: not for messages. */
export interface ResolvedRepoChart extends ResolvedChart {
  readonly downloadUrl: string;
}

/** Reads `<url>/index.yaml` and picks the version; downloads the chart only when the index gives no digest. */
export async function resolveRepoChart(spec: ChartSourceSpec, o: ChartFetchOptions): Promise<ResolvedRepoChart> {
  const limits = chartLimits(o);
  const base = repositoryBase(spec.url);
  const res = await chartGet({
    url: new URL('index.yaml', base),
    accept: 'application/yaml, text/yaml, */*',
    maxBytes: limits.maxIndexBytes,
    timeoutMs: limits.timeoutMs,
    allowHttp: o.allowHttp === true,
    ...request(o, true),
  });
  if (res.status !== 200) throw chartError(spec, statusProblem(res.status, 'index.yaml'));
  const entries = chartIndexEntries(res.body.toString('utf8'), spec.name, limits.maxIndexBytes);
  if (entries.length === 0) throw chartError(spec, 'chart not found in index.yaml');
  const version = pickChartVersion(
    entries.map((e) => e.version),
    spec.version,
  );
  if (version === undefined) {
    const wanted = JSON.stringify((spec.version ?? '').slice(0, 80));
    throw chartError(spec, `no version matches ${wanted} (newest: ${newestVersions(entries.map((e) => e.version))})`);
  }
  const entry = entries.find((e) => e.version === version);
  let chartUrl: URL;
  try {
    chartUrl = new URL(entry?.urls[0] ?? '', base);
  } catch {
    throw chartError(spec, `index.yaml: version ${version} has an invalid URL`);
  }
  const resolved = { name: spec.name, version, downloadUrl: chartUrl.href, location: shownUrl(chartUrl.href) };
  if (entry?.digest !== undefined) return { ...resolved, digest: entry.digest };
  // No digest in the index: the chart's own bytes are its identity, so this one resolve downloads it.
  const path = await downloadRepoChart(spec, { ...resolved, digest: '' }, o);
  return { ...resolved, digest: `sha256:${path.slice(-68, -4)}` };
}

/**
 * Downloads the chart .tgz into the cache (verified against the digest when known) and returns its path.
 * Credentials go only to the chart source's own origin: a chart URL elsewhere is fetched anonymously.
 */
export async function downloadRepoChart(
  spec: ChartSourceSpec,
  resolved: ResolvedRepoChart,
  o: ChartFetchOptions,
): Promise<string> {
  const limits = chartLimits(o);
  const cached = chartCachePath(o.cacheDir, resolved.digest);
  if (cached !== undefined && (await isCached(cached))) return cached;
  const url = new URL(resolved.downloadUrl);
  const temp = await chartTempPath(o.cacheDir);
  try {
    const res = await chartGet({
      url,
      accept: 'application/gzip, application/x-gzip, application/octet-stream, */*',
      maxBytes: limits.maxChartBytes,
      timeoutMs: limits.timeoutMs,
      allowHttp: o.allowHttp === true,
      sinkPath: temp,
      ...request(o, url.origin === repositoryBase(spec.url).origin),
    });
    if (res.status !== 200)
      throw chartError(spec, `${statusProblem(res.status, `version ${resolved.version}`)} at ${resolved.location}`);
    return await commitDownload(o.cacheDir, temp, res.digest, cached === undefined ? undefined : resolved.digest);
  } finally {
    await rm(temp, { force: true });
  }
}

function request(o: ChartFetchOptions, sameOrigin: boolean): { authorization?: string; ca?: string } {
  const authorization = sameOrigin ? chartAuthorization(o.auth) : undefined;
  return {
    ...(authorization !== undefined ? { authorization } : {}),
    ...(o.auth?.caBundle !== undefined ? { ca: o.auth.caBundle } : {}),
  };
}
