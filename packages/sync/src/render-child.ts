// Entry point of the render child process (see render-in-child.ts): fetch a revision and render it, in a
// process that holds no private keys and no Kubernetes credentials. Request on stdin, response on stdout.
import { fetchRevision, removeCheckout } from './git-source.js';
import type { RenderRequest, RenderResponse } from './render-messages.js';
import { renderSourceAndChart } from './render.js';
import { SyncError } from './sync-error.js';

const MAX_REQUEST_BYTES = 1024 * 1024;

async function readRequest(): Promise<RenderRequest> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) throw new Error('request too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as RenderRequest;
}

async function handle(request: RenderRequest): Promise<RenderResponse> {
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
    });
    return { ok: true, revision: fetched.revision, commit: fetched.commit, objects, ...(chart ? { chart } : {}) };
  } finally {
    await removeCheckout(fetched.checkoutDir);
  }
}

async function main(): Promise<void> {
  let response: RenderResponse;
  try {
    response = await handle(await readRequest());
  } catch (error) {
    response =
      error instanceof SyncError
        ? { ok: false, code: error.code, message: error.message }
        : { ok: false, code: 'RENDER_PROCESS', message: 'render process failed unexpectedly' };
  }
  process.stdout.write(JSON.stringify(response), () => process.exit(0));
}

void main();
