import { CliError, ExitCode } from './cli-error.js';
import type { ControllerEndpoint, ControllerReply, ControllerRoute } from './controller-endpoint.js';
import { describeFetchError, readCappedBytes } from './fetch-url.js';

export interface UrlEndpointLimits {
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

/** `localhost`, 127.0.0.0/8 or ::1: where `kubectl port-forward` listens, so plain http stays on this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The base URL without a trailing slash, fit for a message (a parsed --controller-url has no credentials). */
export function describeBaseUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * `--controller-url`: an http(s) base URL without credentials, query or fragment. Plain http:// is refused unless
 * the host is loopback or --insecure-http is given: SealedSecrets are not secret, but the answers are trusted.
 */
export function parseControllerUrl(value: string, insecureHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError('--controller-url: not a valid URL', ExitCode.Usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`--controller-url: only http:// and https:// URLs are supported`, ExitCode.Usage);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new CliError(
      `--controller-url ${describeBaseUrl(url)}: give the base URL only (no credentials, query or fragment)`,
      ExitCode.Usage,
    );
  }
  if (url.protocol === 'http:' && !insecureHttp && !isLoopbackHost(url.hostname)) {
    throw new CliError(
      `--controller-url ${describeBaseUrl(url)}: plain http:// to a non-loopback host refused; use https://, ` +
        'kubectl port-forward to 127.0.0.1, or --insecure-http',
      ExitCode.Usage,
    );
  }
  return url;
}

/** The route below the base URL's path: `http://host/prefix` + `/v1/verify`. */
export function routeUrl(base: URL, route: ControllerRoute): URL {
  return new URL(base.pathname.replace(/\/+$/, '') + route, base);
}

/** POSTs straight to the controller with fetch (no redirects followed), with a timeout and a size cap. */
export function urlEndpoint(base: URL, limits: UrlEndpointLimits): ControllerEndpoint {
  const where = `controller ${describeBaseUrl(base)}`;
  const post = async (route: ControllerRoute, json: string): Promise<ControllerReply> => {
    try {
      const response = await fetch(routeUrl(base, route), {
        method: 'POST',
        body: json,
        redirect: 'manual',
        signal: AbortSignal.timeout(limits.timeoutMs),
        headers: { 'content-type': 'application/json', accept: 'application/json' },
      });
      const body = await readCappedBytes(response, where, limits.maxBytes);
      return { status: response.status, retryAfter: response.headers.get('retry-after') ?? undefined, body };
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`${where}: cannot reach the controller: ${describeFetchError(error)}`, ExitCode.Remote);
    }
  };
  return { where, post };
}
