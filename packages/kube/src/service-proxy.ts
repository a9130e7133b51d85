import type { KubeConfig } from '@kubernetes/client-node';
import { KubeError, KubeErrorCode } from './kube-error.js';
import { requestRaw } from './raw-request.js';
import { STATUS_CODES } from 'node:http';

export interface ServiceProxyRequest {
  readonly namespace: string;
  readonly service: string;
  /** Port name or number; default `http`. */
  readonly port?: string | number;
  /** Path on the service, starting with `/`, may carry a query string. */
  readonly path: string;
  /** Default 10 s. */
  readonly timeoutMs?: number;
  /** Default 1 MiB. */
  readonly maxBytes?: number;
}

/** URL path of the API server's service proxy for a request. */
export function serviceProxyPath(
  request: Pick<ServiceProxyRequest, 'namespace' | 'service' | 'port' | 'path'>,
): string {
  if (!request.path.startsWith('/')) {
    throw new KubeError(
      KubeErrorCode.InvalidObject,
      `Service ${request.namespace}/${request.service}: path must start with /`,
    );
  }
  const port = String(request.port ?? 'http');
  return (
    `/api/v1/namespaces/${encodeURIComponent(request.namespace)}` +
    `/services/${encodeURIComponent(request.service)}:${encodeURIComponent(port)}/proxy${request.path}`
  );
}

/**
 * GET through the API server's service proxy with the KubeConfig's credentials, e.g. the controller's
 * `/v1/cert.pem`. Returns the body on 2xx; otherwise a KubeError naming the service and the status (the body,
 * which may come from the proxied service, is never included).
 */
export async function getViaServiceProxy(kc: KubeConfig, request: ServiceProxyRequest): Promise<Buffer> {
  const what = `Service ${request.namespace}/${request.service}`;
  const response = await requestRaw(kc, {
    path: serviceProxyPath(request),
    headers: { Accept: '*/*' },
    what,
    timeoutMs: request.timeoutMs ?? 10_000,
    maxBytes: request.maxBytes ?? 1024 * 1024,
  });
  if (response.status >= 200 && response.status < 300) return response.body;
  const text = (STATUS_CODES[response.status] ?? 'request failed').toLowerCase();
  throw new KubeError(KubeErrorCode.ProxyFailed, `${what}: ${text} (${response.status})`, { status: response.status });
}
