import { parseControllerUrl, urlEndpoint } from './controller-url.js';

/** The controller's POST routes the CLI uses. */
export const ControllerRoute = { Verify: '/v1/verify', Rotate: '/v1/rotate' } as const;
export type ControllerRoute = (typeof ControllerRoute)[keyof typeof ControllerRoute];

/** One HTTP answer, from the controller or from whatever stands in front of it. */
export interface ControllerReply {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly body: Buffer;
}

/** A way to POST to the controller: directly (--controller-url) or through the API server's service proxy. */
export interface ControllerEndpoint {
  /** Names the controller in messages: `controller http://127.0.0.1:8080` or `Service ns/name`; no credentials. */
  readonly where: string;
  /** Resolves with any HTTP status; rejects only with a CliError (exit 3) when no answer came. */
  post(route: ControllerRoute, json: string): Promise<ControllerReply>;
}

/** The options of the commands that talk to the controller's API. */
export interface ControllerOptions {
  readonly controllerUrl?: string | undefined;
  readonly insecureHttp?: boolean | undefined;
  readonly controllerNamespace?: string | undefined;
  readonly controllerName?: string | undefined;
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
}

/** RSA work on many items can take a while on a busy controller. */
const TIMEOUT_MS = 30_000;
/** A rotated SealedSecret is about as large as the one sent (the controller takes 1 MiB by default). */
const MAX_REPLY_BYTES = 4 * 1024 * 1024;

/** --controller-url when given, else the API server's service proxy to --controller-namespace/--controller-name. */
export async function openControllerEndpoint(options: ControllerOptions): Promise<ControllerEndpoint> {
  const limits = { timeoutMs: TIMEOUT_MS, maxBytes: MAX_REPLY_BYTES };
  if (options.controllerUrl !== undefined) {
    return urlEndpoint(parseControllerUrl(options.controllerUrl, options.insecureHttp ?? false), limits);
  }
  // Only this path loads @gitseal/kube and @kubernetes/client-node (see cert-source.ts): keep `seal` light.
  const { proxyEndpoint } = await import('./controller-proxy.js');
  return proxyEndpoint({
    namespace: options.controllerNamespace ?? 'gitseal-system',
    name: options.controllerName ?? 'gitseal-controller',
    kubeconfig: options.kubeconfig,
    context: options.context,
    ...limits,
  });
}
