import { rm } from 'node:fs/promises';
import { chartCachePath, chartTempPath, commitDownload, isCached } from './chart-cache.js';
import {
  chartError,
  chartLimits,
  type ChartFetchOptions,
  type ChartSourceSpec,
  type ResolvedChart,
} from './chart-source.js';
import { isExactVersion, newestVersions, pickChartVersion, tagOfVersion, versionOfTag } from './chart-version-pick.js';
import { ociChartRepository, ociLocation, type OciChartRepository } from './oci-reference.js';
import { ChartHttpError } from './chart-http.js';
import { OciSession } from './oci-registry.js';

function repositoryOf(spec: ChartSourceSpec, plainHttp: boolean): OciChartRepository {
  try {
    return ociChartRepository(spec.url, spec.name, plainHttp);
  } catch (error) {
    throw chartError(spec, (error as Error).message);
  }
}

/**
 * Runs `work` against the registry over HTTPS; when that finds a server that does not speak TLS and plain HTTP is
 * allowed, once more over HTTP — as Docker treats an insecure registry. An oci:// URL has no scheme to say which.
 */
async function overHttpsOrHttp<T>(
  spec: ChartSourceSpec,
  o: ChartFetchOptions,
  work: (repo: OciChartRepository) => Promise<T>,
): Promise<T> {
  try {
    return await work(repositoryOf(spec, false));
  } catch (error) {
    if (!(o.allowHttp === true && error instanceof ChartHttpError && error.notTls)) throw error;
    return work(repositoryOf(spec, true));
  }
}

function session(repo: OciChartRepository, o: ChartFetchOptions): OciSession {
  return new OciSession({
    repo,
    allowHttp: repo.base.protocol === 'http:',
    timeoutMs: chartLimits(o).timeoutMs,
    ...(o.auth !== undefined ? { auth: o.auth } : {}),
  });
}

/** Picks the version from the tag list (an exact version: its manifest straight away) and reads its manifest. */
export function resolveOciChart(spec: ChartSourceSpec, o: ChartFetchOptions): Promise<ResolvedChart> {
  return overHttpsOrHttp(spec, o, (repo) => resolveIn(repo, spec, o));
}

async function resolveIn(
  repo: OciChartRepository,
  spec: ChartSourceSpec,
  o: ChartFetchOptions,
): Promise<ResolvedChart> {
  const limits = chartLimits(o);
  const registry = session(repo, o);
  let version: string | undefined;
  let layer = isExactVersion(spec.version)
    ? await registry.chartLayer(tagOfVersion((spec.version ?? '').trim().replace(/^=/, '')), spec.version ?? '')
    : undefined;
  if (layer) version = (spec.version ?? '').trim().replace(/^=/, '');
  else {
    const versions = (await registry.listTags(limits.maxTags)).map(versionOfTag);
    version = pickChartVersion(versions, spec.version);
    if (version === undefined) {
      const wanted = JSON.stringify((spec.version ?? '').slice(0, 80));
      throw chartError(spec, `no version matches ${wanted} (newest: ${newestVersions(versions)})`);
    }
    layer = await registry.chartLayer(tagOfVersion(version), version);
    if (!layer) throw chartError(spec, `version ${version} not found (HTTP 404)`);
  }
  if (layer.size > limits.maxChartBytes) {
    throw chartError(spec, `version ${version} is too large: ${layer.size} bytes, more than ${limits.maxChartBytes}`);
  }
  return {
    name: spec.name,
    version,
    digest: layer.digest,
    location: ociLocation(repo, tagOfVersion(version)),
    size: layer.size,
  };
}

/** Downloads the chart layer blob into the cache, verified against its digest. */
export async function downloadOciChart(
  spec: ChartSourceSpec,
  resolved: ResolvedChart,
  o: ChartFetchOptions,
): Promise<string> {
  const cached = chartCachePath(o.cacheDir, resolved.digest);
  if (cached === undefined) throw chartError(spec, `version ${resolved.version}: digest is not sha256`);
  if (await isCached(cached)) return cached;
  return overHttpsOrHttp(spec, o, async (repo) => {
    const temp = await chartTempPath(o.cacheDir);
    try {
      const res = await session(repo, o).blob(resolved.digest, temp, chartLimits(o).maxChartBytes);
      return await commitDownload(o.cacheDir, temp, res.digest, resolved.digest);
    } finally {
      await rm(temp, { force: true });
    }
  });
}
