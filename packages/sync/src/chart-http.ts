import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** One GET of a chart source; the caller turns a failure into a one-line chart error. */
export interface ChartHttpRequest {
  readonly url: URL;
  readonly accept?: string;
  /** `Authorization` value: sent to `url`'s origin only, never to another origin a redirect leads to. */
  readonly authorization?: string;
  readonly maxBytes: number;
  /** Connection to last byte. */
  readonly timeoutMs: number;
  /** PEM CA bundle that replaces the system's trust for this request. */
  readonly ca?: string;
  readonly allowHttp: boolean;
  /** Stream a 2xx body into this file instead of memory (the caller renames or removes it). */
  readonly sinkPath?: string;
}

export interface ChartHttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body (2xx without sinkPath), else at most a few KiB of it. */
  readonly body: Buffer;
  /** The URL that answered, after redirects. */
  readonly url: URL;
  /** `sha256:<hex>` of a 2xx body ('' otherwise). */
  readonly digest: string;
  readonly bytes: number;
}

/** A transport failure, worded for a chart error: no URL userinfo, no credentials, no server text. */
export class ChartHttpError extends Error {
  override readonly name = 'ChartHttpError';
  /** The server answered a TLS handshake with something else: it speaks plain HTTP. */
  readonly notTls: boolean;
  constructor(message: string, options: { notTls?: boolean } = {}) {
    super(message);
    this.notTls = options.notTls === true;
  }
}

const MAX_REDIRECTS = 5;
const ERROR_BODY_BYTES = 4096;

export async function chartGet(req: ChartHttpRequest): Promise<ChartHttpResponse> {
  const deadline = Date.now() + req.timeoutMs;
  const authOrigin = req.url.origin;
  let url = req.url;
  for (let hop = 0; ; hop++) {
    checkScheme(url, req.allowHttp, hop > 0);
    const authorization = url.origin === authOrigin ? req.authorization : undefined;
    const response = await once(url, req, authorization, deadline);
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && location !== undefined) {
      if (hop >= MAX_REDIRECTS) throw new ChartHttpError(`more than ${MAX_REDIRECTS} redirects`);
      try {
        url = new URL(location, url);
      } catch {
        throw new ChartHttpError(`redirect (HTTP ${response.status}) to an invalid URL`);
      }
      continue;
    }
    return response;
  }
}

function checkScheme(url: URL, allowHttp: boolean, redirected: boolean): void {
  if (url.protocol === 'https:') return;
  const via = redirected ? 'a redirect to ' : '';
  if (url.protocol === 'http:') {
    if (allowHttp) return;
    throw new ChartHttpError(`${via}plain http is not allowed (use https)`);
  }
  throw new ChartHttpError(`${via}unsupported scheme ${JSON.stringify(url.protocol.slice(0, 20))}`);
}

function once(
  url: URL,
  req: ChartHttpRequest,
  authorization: string | undefined,
  deadline: number,
): Promise<ChartHttpResponse> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(timedOut(req.timeoutMs));
  const headers: Record<string, string> = { 'user-agent': 'gitseal', accept: req.accept ?? '*/*' };
  if (authorization !== undefined) headers['authorization'] = authorization;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<ChartHttpResponse>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, value?: ChartHttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value as ChartHttpResponse);
    };
    const request = send(
      url,
      { method: 'GET', headers, ...(req.ca !== undefined ? { ca: req.ca } : {}), agent: false },
      (res) => {
        readBody(res, url, req).then(
          (value) => finish(undefined, value),
          (error: Error) => finish(error),
        );
      },
    );
    const timer = setTimeout(() => {
      finish(timedOut(req.timeoutMs));
      request.destroy();
    }, remaining);
    request.once('error', (error) => finish(transportError(error)));
    request.end();
  });
}

function timedOut(ms: number): ChartHttpError {
  return new ChartHttpError(`unreachable: no answer within ${Math.round(ms / 100) / 10}s`);
}

async function readBody(res: IncomingMessage, url: URL, req: ChartHttpRequest): Promise<ChartHttpResponse> {
  const status = res.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    // Only the headers matter (Location, WWW-Authenticate); the body is read a little, then dropped.
    return { status, headers: res.headers, body: await readSome(res, ERROR_BODY_BYTES), url, digest: '', bytes: 0 };
  }
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > req.maxBytes) {
    res.destroy();
    throw tooLarge(req.maxBytes);
  }
  try {
    const read = await readCapped(res, req.maxBytes, req.sinkPath);
    return { status, headers: res.headers, url, ...read };
  } catch (error) {
    if (req.sinkPath !== undefined) await rm(req.sinkPath, { force: true });
    throw error instanceof ChartHttpError ? error : transportError(error as Error);
  }
}

/** Reads a 2xx body into memory or into `sinkPath`, hashing it, and stops past `maxBytes`. */
async function readCapped(
  res: IncomingMessage,
  maxBytes: number,
  sinkPath: string | undefined,
): Promise<{ body: Buffer; digest: string; bytes: number }> {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let bytes = 0;
  const sink: WriteStream | undefined = sinkPath !== undefined ? createWriteStream(sinkPath) : undefined;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        res.destroy();
        throw tooLarge(maxBytes);
      }
      hash.update(chunk);
      if (!sink) chunks.push(chunk);
      else if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', () => r()));
    }
    if (sink) await new Promise<void>((resolve, reject) => sink.end((e?: Error | null) => (e ? reject(e) : resolve())));
  } catch (error) {
    sink?.destroy();
    throw error;
  }
  return { body: Buffer.concat(chunks), digest: `sha256:${hash.digest('hex')}`, bytes };
}

async function readSome(res: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let kept = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      kept += chunk.length;
      if (kept >= max) break;
    }
  } catch {
    // The status and headers are what the caller uses.
  }
  res.destroy();
  return Buffer.concat(chunks).subarray(0, max);
}

function tooLarge(max: number): ChartHttpError {
  return new ChartHttpError(`too large: more than ${max} bytes`);
}

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function transportError(error: Error): ChartHttpError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code === 'ECONNREFUSED') return new ChartHttpError('unreachable: connection refused');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new ChartHttpError('unreachable: host name not found');
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return new ChartHttpError(`unreachable: ${code}`);
  if (code === 'ECONNRESET' || code === 'EPIPE') return new ChartHttpError('connection reset by the server');
  if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG')
    return new ChartHttpError('TLS failed (EPROTO): the server does not answer TLS (plain http needs allowHttp)', {
      notTls: true,
    });
  if (TLS_CODES.has(code)) return new ChartHttpError(`TLS: the server's certificate is not trusted (${code})`);
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) return new ChartHttpError(`TLS failed (${code})`);
  return new ChartHttpError(`request failed${code ? ` (${code})` : ''}`);
}

/** What a non-2xx answer means for `what` (`index.yaml`, `version 1.2.0`, …), without the server's text. */
export function statusProblem(status: number, what: string): string {
  if (status === 401) return 'authentication failed (HTTP 401)';
  if (status === 403) return 'authentication failed: access denied (HTTP 403)';
  if (status === 404) return `${what} not found (HTTP 404)`;
  return `HTTP ${status} for ${what}`;
}
