import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { toKubeError } from './api-error.js';
import { KubeError, KubeErrorCode } from './kube-error.js';
import { MAX_THROTTLE_RETRIES, throttleWaitMs } from './throttle-retry.js';

export interface RawRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the cluster's server URL, starting with `/`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Names the target in error messages, e.g. `Service ns/name`. */
  readonly what: string;
  /** Whole-request deadline; default 30 s. */
  readonly timeoutMs?: number;
  /** Largest response body accepted; default 16 MiB. */
  readonly maxBytes?: number;
  /**
   * Called right before the request goes out (each attempt); a throw rejects the call unsent. For fencing: a
   * replica that lost its lease while preparing the request must not send it.
   */
  readonly beforeSend?: () => void;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

function buildUrl(kc: KubeConfig, request: RawRequest): URL {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new KubeError(KubeErrorCode.ConfigInvalid, `${request.what}: no current cluster`);
  const url = new URL(cluster.server.replace(/\/+$/, '') + request.path);
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url;
}

/**
 * One HTTP request to the API server with the KubeConfig's credentials and TLS settings, repeated while the
 * server throttles it (see {@link throttleWaitMs}). Resolves with any status (the caller decides what is an
 * error); rejects only with a {@link KubeError} with a safe message (network failure, timeout, too large).
 */
export async function requestRaw(kc: KubeConfig, request: RawRequest): Promise<RawResponse> {
  for (let attempt = 0; ; attempt++) {
    const response = await requestOnce(kc, request);
    const retryAfter = response.headers['retry-after'];
    const waitMs = throttleWaitMs(response.status, typeof retryAfter === 'string' ? retryAfter : undefined);
    if (waitMs === undefined || attempt >= MAX_THROTTLE_RETRIES) return response;
    await sleep(waitMs);
  }
}

async function requestOnce(kc: KubeConfig, request: RawRequest): Promise<RawResponse> {
  const url = buildUrl(kc, request);
  const options: https.RequestOptions = {
    method: request.method ?? 'GET',
    headers: { Accept: 'application/json', ...request.headers },
  };
  await kc.applyToHTTPSOptions(options);
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = request.maxBytes ?? DEFAULT_MAX_BYTES;
  const send = url.protocol === 'http:' ? http.request : https.request;
  request.beforeSend?.();
  return new Promise<RawResponse>((resolve, reject) => {
    let settled = false;
    const fail = (err: KubeError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    const timer = setTimeout(
      () => fail(new KubeError(KubeErrorCode.Timeout, `${request.what}: timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          fail(
            new KubeError(KubeErrorCode.ResponseTooLarge, `${request.what}: response larger than ${maxBytes} bytes`),
          );
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (err) => fail(toKubeError(err, request.what)));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', (err) => fail(toKubeError(err, request.what)));
    req.end(request.body);
  });
}

/** Throws a safe {@link KubeError} for a non-2xx response (reading status and reason from a Status body). */
export function assertOk(response: RawResponse, what: string): void {
  if (response.status >= 200 && response.status < 300) return;
  throw toKubeError({ code: response.status, body: response.body.toString('utf8') }, what);
}

/** GET a JSON document from the API server; non-2xx responses become safe {@link KubeError}s. */
export async function getJson<T>(kc: KubeConfig, request: Omit<RawRequest, 'method' | 'body'>): Promise<T> {
  return parseJson<T>(await requestRaw(kc, request), request.what);
}

/** {@link getJson} of an object that may not exist: undefined when the API server answers 404. */
export async function findJson<T>(
  kc: KubeConfig,
  request: Omit<RawRequest, 'method' | 'body'>,
): Promise<T | undefined> {
  const response = await requestRaw(kc, request);
  return response.status === 404 ? undefined : parseJson<T>(response, request.what);
}

function parseJson<T>(response: RawResponse, what: string): T {
  assertOk(response, what);
  try {
    return JSON.parse(response.body.toString('utf8')) as T;
  } catch {
    throw new KubeError(KubeErrorCode.ApiError, `${what}: response is not JSON`, { status: response.status });
  }
}
