import { currentNamespace, KubeError, KubeErrorCode, loadKubeConfig } from '@gitseal/kube';
import { CliError, ExitCode } from './cli-error.js';

/** The options every command that talks to the API server shares. */
export interface ClusterOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
}

export type KubeConfig = ReturnType<typeof loadKubeConfig>;

export interface KubeSession {
  readonly kc: KubeConfig;
  /** `-n` when given, else the context's namespace, else `default`. */
  readonly namespace: string;
}

/**
 * Loads the kubeconfig (--kubeconfig, else KUBECONFIG, in-cluster or ~/.kube/config), switches to --context and
 * picks the namespace. Local only: nothing is sent to the API server yet.
 */
export function openKubeSession(options: ClusterOptions): KubeSession {
  try {
    const kc = loadKubeConfig(options.kubeconfig === undefined ? {} : { kubeconfig: options.kubeconfig });
    if (options.context !== undefined) {
      if (kc.getContextObject(options.context) === null) {
        throw new CliError(`kubeconfig: no context named "${options.context}"`);
      }
      kc.setCurrentContext(options.context);
    }
    const namespace = options.namespace !== undefined && options.namespace !== '' ? options.namespace : undefined;
    return { kc, namespace: namespace ?? currentNamespace(kc) };
  } catch (error) {
    throw toCliError(error, 'kubeconfig');
  }
}

/**
 * Maps what a cluster call threw to a CliError: a broken kubeconfig or an object the API server cannot take is
 * bad input (exit 1), and so is a 400/422 answer (the object itself is invalid); anything else — no answer, timeouts, 403, 5xx — is a remote error (exit 3). KubeError
 * messages are already safe one-liners; anything else is replaced, never printed as is.
 */
export function toCliError(error: unknown, what: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof KubeError) {
    const local =
      error.code === KubeErrorCode.ConfigNotFound ||
      error.code === KubeErrorCode.ConfigInvalid ||
      error.code === KubeErrorCode.InvalidObject ||
      error.status === 400 ||
      error.status === 422;
    return new CliError(error.message, local ? ExitCode.User : ExitCode.Remote);
  }
  return new CliError(`${what}: cannot reach the API server`, ExitCode.Remote);
}
