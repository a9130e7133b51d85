// Entry point of the render child process (see render-in-child.ts): fetch a revision and render it, in a
// process that holds no private keys and no Kubernetes credentials. Request on stdin, response on stdout.
import { vendorDependencies } from './chart-dependencies.js';
import { fetchChart, resolveChart } from './chart-fetch.js';
import { chartRevision } from './chart-revision.js';
import { fetchRevision, removeCheckout } from './git-source.js';
import { renderHelmChart } from './helm-chart.js';
import type { RenderRequest, RenderResponse, ResolveChartRequest, ResolveChartResponse } from './render-messages.js';
import { limitsOf, renderSourceAndChart } from './render.js';
import { SyncError } from './sync-error.js';

const MAX_REQUEST_BYTES = 1024 * 1024;

async function readRequest(): Promise<RenderRequest | ResolveChartRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) throw new Error('request too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as RenderRequest | ResolveChartRequest;
}

/** A chart from a chart repository or registry: fetched (or taken from the cache by digest) and rendered. */
async function handleChart(
  request: RenderRequest & { chart: NonNullable<RenderRequest['chart']> },
): Promise<RenderResponse> {
  const { source, resolved } = request.chart;
  if (!request.helm) throw new Error('a chart request without Helm settings');
  const chart = await fetchChart(source, resolved, {
    cacheDir: request.cacheDir,
    ...(request.auth ? { auth: request.auth } : {}),
    ...(request.allowHttp === undefined ? {} : { allowHttp: request.allowHttp }),
  });
  const limits = limitsOf(request.limits ? { limits: request.limits } : {});
  const objects = await renderHelmChart({
    chart,
    shown: `${resolved.name} ${resolved.version}`,
    settings: request.helm,
    limits: { maxBytes: limits.maxTotalBytes, maxObjects: limits.maxObjects, manifest: limits.manifest },
  });
  const revision = chartRevision(resolved);
  return {
    ok: true,
    revision,
    commit: resolved.digest,
    objects,
    chart: { name: resolved.name, version: resolved.version },
  };
}

async function handle(request: RenderRequest): Promise<RenderResponse> {
  if (request.chart) return handleChart({ ...request, chart: request.chart });
  const fetched = await fetchRevision({
    url: request.url,
    cacheDir: request.cacheDir,
    ...(request.ref ? { ref: request.ref } : {}),
    ...(request.auth ? { auth: request.auth } : {}),
    ...(request.allowHttp === undefined ? {} : { allowHttp: request.allowHttp }),
    ...(request.allowFile === undefined ? {} : { allowFile: request.allowFile }),
    ...(request.gitTimeoutMs === undefined ? {} : { timeoutMs: request.gitTimeoutMs }),
    ...(request.gitMaxBytes === undefined ? {} : { maxBytes: request.gitMaxBytes }),
  });
  try {
    const { objects, chart } = await renderSourceAndChart({
      checkoutDir: fetched.checkoutDir,
      ...(request.path ? { path: request.path } : {}),
      ...(request.limits ? { limits: request.limits } : {}),
      ...(request.helm ? { helm: request.helm } : {}),
      // Dependencies come anonymously: the GitSync's credentials are for its Git repository.
      prepareChart: (chartDir) =>
        vendorDependencies(chartDir, {
          root: fetched.checkoutDir,
          cacheDir: request.cacheDir,
          ...(request.allowHttp === undefined ? {} : { allowHttp: request.allowHttp }),
        }),
    });
    return { ok: true, revision: fetched.revision, commit: fetched.commit, objects, ...(chart ? { chart } : {}) };
  } finally {
    await removeCheckout(fetched.checkoutDir);
  }
}

async function handleResolve(request: ResolveChartRequest): Promise<ResolveChartResponse> {
  const resolved = await resolveChart(request.resolveChart, {
    cacheDir: request.cacheDir,
    ...(request.auth ? { auth: request.auth } : {}),
    ...(request.allowHttp === undefined ? {} : { allowHttp: request.allowHttp }),
    ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }),
  });
  return { ok: true, resolved };
}

async function main(): Promise<void> {
  let response: RenderResponse | ResolveChartResponse;
  try {
    const request = await readRequest();
    response = 'resolveChart' in request ? await handleResolve(request) : await handle(request);
  } catch (error) {
    response =
      error instanceof SyncError
        ? { ok: false, code: error.code, message: error.message }
        : { ok: false, code: 'RENDER_PROCESS', message: 'render process failed unexpectedly' };
  }
  process.stdout.write(JSON.stringify(response), () => process.exit(0));
}

void main();
