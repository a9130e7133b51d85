import { requestRaw, toKubeError } from '@gitseal/kube';
import type { ControllerEndpoint, ControllerReply, ControllerRoute } from './controller-endpoint.js';
import { openKubeSession } from './kube-session.js';
import { toCliError } from './cli-error.js';

export interface ProxyEndpointOptions {
  readonly namespace: string;
  readonly name: string;
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

/** `/api/v1/namespaces/<ns>/services/http:<name>:http/proxy<route>`: scheme http, the Service's port named http. */
export function controllerProxyPath(namespace: string, name: string, route: ControllerRoute): string {
  const ns = encodeURIComponent(namespace);
  return `/api/v1/namespaces/${ns}/services/http:${encodeURIComponent(name)}:http/proxy${route}`;
}

/** A Kubernetes `Status` object: the API server's own answer (no such Service, forbidden, no endpoints…). */
export function isKubeStatus(body: Buffer): boolean {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { kind?: unknown } | null;
    return parsed?.kind === 'Status';
  } catch {
    return false;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * POSTs to the controller through the API server's service proxy with the kubeconfig's credentials. The API
 * server's own refusals become safe one-line errors (exit 3); the controller's answers are returned as they are.
 */
export function proxyEndpoint(options: ProxyEndpointOptions): ControllerEndpoint {
  const where = `Service ${options.namespace}/${options.name}`;
  const { kc } = openKubeSession({ kubeconfig: options.kubeconfig, context: options.context });
  const post = async (route: ControllerRoute, json: string): Promise<ControllerReply> => {
    let response;
    try {
      response = await requestRaw(kc, {
        method: 'POST',
        path: controllerProxyPath(options.namespace, options.name, route),
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: json,
        what: where,
        timeoutMs: options.timeoutMs,
        maxBytes: options.maxBytes,
      });
    } catch (error) {
      throw toCliError(error, where);
    }
    // A 429 is retried whoever sent it; any other Status comes from the API server, not from the controller.
    if (response.status >= 300 && response.status !== 429 && isKubeStatus(response.body)) {
      const error = toKubeError({ code: response.status, body: response.body.toString('utf8') }, where);
      throw toCliError(error, where);
    }
    return { status: response.status, retryAfter: headerValue(response.headers['retry-after']), body: response.body };
  };
  return { where, post };
}
