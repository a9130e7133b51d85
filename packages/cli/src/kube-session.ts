import { currentNamespace, loadKubeConfig } from '@gitseal/kube';
import { CliError, toCliError } from './cli-error.js';

/** The options every command that talks to the API server shares. */
export interface ClusterOptions {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly namespace?: string | undefined;
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
