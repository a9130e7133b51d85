// Entry point of the render worker (see render-worker.ts): fetches revisions and renders them, in a long-lived
// process that holds no private keys and no Kubernetes credentials. Requests arrive as lines of JSON on stdin and
// are handled concurrently; each answer is one line of JSON on stdout, with the request's id. stdin closing (the
// controller gone) ends the process.
import { vendorDependencies } from './chart-dependencies.js';
import { fetchChart, resolveChart } from './chart-fetch.js';
import { chartRevision } from './chart-revision.js';
import { checkOutCommit, fetchCommit, removeCheckout, type FetchRevisionInput } from './git-source.js';
import { withWorktree } from './git-worktree.js';
import { renderHelmChart } from './helm-chart.js';
import { ParsedFiles } from './manifest-file-cache.js';
import { renderInputsKey } from './render-inputs.js';
import type {
  RenderRequest,
  RenderResponse,
  ResolveChartRequest,
  ResolveChartResponse,
  WorkerRequest,
  WorkerResponse,
} from './render-messages.js';
import { limitsOf, renderSourceAndChart, type RenderedSource } from './render.js';
import { SyncError } from './sync-error.js';

const MAX_REQUEST_BYTES = 1024 * 1024;
/** Parsed manifest files of earlier renders, by blob id: a one-file commit parses one file. */
const parsedFiles = new ParsedFiles();

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

/** The render of a checkout; `wrote` is set when something (a chart's dependencies) was written into it. */
async function renderCheckout(
  request: RenderRequest,
  checkoutDir: string,
  written: { wrote: boolean },
  listing: string,
): Promise<RenderedSource> {
  const files = parsedFiles.forListing(listing);
  return renderSourceAndChart({
    checkoutDir,
    ...(files ? { files } : {}),
    ...(request.path ? { path: request.path } : {}),
    ...(request.limits ? { limits: request.limits } : {}),
    ...(request.helm ? { helm: request.helm } : {}),
    // Dependencies come anonymously: the GitSync's credentials are for its Git repository.
    prepareChart: (chartDir) => {
      written.wrote = true;
      return vendorDependencies(chartDir, {
        root: checkoutDir,
        cacheDir: request.cacheDir,
        ...(request.allowHttp === undefined ? {} : { allowHttp: request.allowHttp }),
      });
    },
  });
}

/** The inputs key, or undefined when the path cannot give one (the render then reports what is wrong). */
function inputsOf(listing: string, path: string | undefined): string | undefined {
  try {
    return renderInputsKey(listing, path);
  } catch {
    return undefined;
  }
}

async function handle(request: RenderRequest): Promise<RenderResponse> {
  if (request.chart) return handleChart({ ...request, chart: request.chart });
  const source: FetchRevisionInput = {
    url: request.url,
    cacheDir: request.cacheDir,
    ...(request.ref ? { ref: request.ref } : {}),
    ...(request.resolved ? { resolved: request.resolved } : {}),
    ...(request.auth ? { auth: request.auth } : {}),
    ...(request.allowHttp === undefined ? {} : { allowHttp: request.allowHttp }),
    ...(request.allowFile === undefined ? {} : { allowFile: request.allowFile }),
    ...(request.gitTimeoutMs === undefined ? {} : { timeoutMs: request.gitTimeoutMs }),
    ...(request.gitMaxBytes === undefined ? {} : { maxBytes: request.gitMaxBytes }),
  };
  // The credentials' session ends with the fetch: nothing of them is on disk while the tree is rendered.
  const fetched = await fetchCommit(source);
  const { revision, commit } = fetched;
  const inputs = inputsOf(fetched.listing, request.path);
  const known = inputs === undefined ? {} : { inputs };
  if (inputs !== undefined && inputs === request.reuse) {
    return { ok: true, revision, commit, objects: [], ...known, unchanged: true };
  }
  const answer = ({ objects, chart }: RenderedSource): RenderResponse => ({
    ok: true,
    revision,
    commit,
    objects,
    ...(chart ? { chart } : {}),
    ...known,
  });
  const written = { wrote: false };
  if (request.workspace !== undefined) {
    return withWorktree(source, request.workspace, fetched, async (worktree) => {
      try {
        return answer(await renderCheckout(request, worktree.dir, written, fetched.listing));
      } finally {
        await worktree.release(!written.wrote);
      }
    });
  }
  const checkoutDir = await checkOutCommit(source, fetched);
  try {
    return answer(await renderCheckout(request, checkoutDir, written, fetched.listing));
  } finally {
    await removeCheckout(checkoutDir);
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

async function answer(request: RenderRequest | ResolveChartRequest): Promise<RenderResponse | ResolveChartResponse> {
  try {
    return 'resolveChart' in request ? await handleResolve(request) : await handle(request);
  } catch (error) {
    return error instanceof SyncError
      ? { ok: false, code: error.code, message: error.message }
      : { ok: false, code: 'RENDER_PROCESS', message: 'render process failed unexpectedly' };
  }
}

function send(frame: WorkerResponse): void {
  process.stdout.write(`${JSON.stringify(frame)}\n`);
}

async function serve(line: string): Promise<void> {
  let frame: WorkerRequest;
  try {
    frame = JSON.parse(line) as WorkerRequest;
  } catch {
    process.exit(2); // not the parent's protocol
  }
  const response = await answer(frame.request);
  const json = JSON.stringify(response);
  const rss = process.memoryUsage.rss();
  if (Buffer.byteLength(json) > frame.maxOutputBytes) send({ id: frame.id, rss, oversized: true });
  else process.stdout.write(`{"id":${frame.id},"rss":${rss},"response":${json}}\n`);
}

function main(): void {
  let pending: Buffer[] = [];
  let size = 0;
  process.stdin.on('data', (chunk: Buffer) => {
    let rest = chunk;
    for (let newline = rest.indexOf(10); newline >= 0; newline = rest.indexOf(10)) {
      pending.push(rest.subarray(0, newline));
      const line = Buffer.concat(pending).toString('utf8');
      [pending, size] = [[], 0];
      rest = rest.subarray(newline + 1);
      void serve(line);
    }
    size += rest.length;
    if (size > MAX_REQUEST_BYTES) process.exit(2);
    if (rest.length > 0) pending.push(rest);
  });
  // The parent closed the pipe (it is gone, or retired this worker): whatever is still running is abandoned.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
}

main();
