import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from './client-node.js';
import { KubeError, KubeErrorCode } from './kube-error.js';
import { shareAgents } from './shared-agents.js';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface LoadKubeConfigOptions {
  /** An explicit kubeconfig file; wins over everything else. */
  readonly kubeconfig?: string;
  /** Home directory holding `.kube/config`; default the user's home. For tests. */
  readonly homeDir?: string;
  /** Prefix of the service-account files for in-cluster config; default none. For tests. */
  readonly inClusterPathPrefix?: string;
}

/** Where a KubeConfig came from, for a startup log line. */
export const KubeConfigSource = {
  Explicit: 'explicit',
  Env: 'KUBECONFIG',
  InCluster: 'in-cluster',
  Home: 'home',
} as const;
export type KubeConfigSource = (typeof KubeConfigSource)[keyof typeof KubeConfigSource];

export interface LoadedKubeConfig {
  readonly kubeConfig: KubeConfig;
  readonly source: KubeConfigSource;
}

function loadFile(kc: KubeConfig, file: string): void {
  try {
    kc.loadFromFile(file);
  } catch {
    // The parser's message can quote the file, which holds credentials: name the file only.
    throw new KubeError(KubeErrorCode.ConfigInvalid, `kubeconfig ${file}: cannot be read or parsed`);
  }
}

function checkCluster(kc: KubeConfig, origin: string): void {
  const cluster = kc.getCurrentCluster();
  if (cluster === null || cluster.server === '') {
    throw new KubeError(KubeErrorCode.ConfigInvalid, `kubeconfig ${origin}: no current context with a cluster`);
  }
}

function loadFromEnv(kc: KubeConfig, value: string): boolean {
  const files = value.split(delimiter).filter((file) => file !== '' && existsSync(file));
  const [first] = files;
  if (first === undefined) return false;
  if (files.length === 1) loadFile(kc, first);
  else {
    try {
      kc.loadFromDefault(); // merges every file of KUBECONFIG, the way kubectl does
    } catch {
      throw new KubeError(KubeErrorCode.ConfigInvalid, 'kubeconfig from KUBECONFIG: cannot be read or parsed');
    }
  }
  return true;
}

/**
 * Detailed form of {@link loadKubeConfig}: also tells where the config came from. Order: explicit path,
 * then `KUBECONFIG` (one or more files), then in-cluster service account, then `~/.kube/config`.
 */
export function resolveKubeConfig(options: LoadKubeConfigOptions = {}): LoadedKubeConfig {
  const kc = shareAgents(new KubeConfig());
  if (options.kubeconfig !== undefined && options.kubeconfig !== '') {
    if (!existsSync(options.kubeconfig)) {
      throw new KubeError(KubeErrorCode.ConfigNotFound, `kubeconfig ${options.kubeconfig}: file not found`);
    }
    loadFile(kc, options.kubeconfig);
    checkCluster(kc, options.kubeconfig);
    return { kubeConfig: kc, source: KubeConfigSource.Explicit };
  }
  const fromEnv = process.env.KUBECONFIG;
  if (fromEnv !== undefined && fromEnv !== '' && loadFromEnv(kc, fromEnv)) {
    checkCluster(kc, 'from KUBECONFIG');
    return { kubeConfig: kc, source: KubeConfigSource.Env };
  }
  const prefix = options.inClusterPathPrefix ?? '';
  if (process.env.KUBERNETES_SERVICE_HOST && existsSync(`${prefix}${SERVICE_ACCOUNT_TOKEN}`)) {
    kc.loadFromCluster(prefix);
    checkCluster(kc, 'in-cluster');
    return { kubeConfig: kc, source: KubeConfigSource.InCluster };
  }
  const home = join(options.homeDir ?? homedir(), '.kube', 'config');
  if (existsSync(home)) {
    loadFile(kc, home);
    checkCluster(kc, home);
    return { kubeConfig: kc, source: KubeConfigSource.Home };
  }
  throw new KubeError(
    KubeErrorCode.ConfigNotFound,
    'no kubeconfig: pass --kubeconfig, set KUBECONFIG, run in a cluster or create ~/.kube/config',
  );
}

/** Loads a KubeConfig: explicit path, else `KUBECONFIG`, else in-cluster, else `~/.kube/config`. */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): KubeConfig {
  return resolveKubeConfig(options).kubeConfig;
}

/** The namespace of the current context, or `default`. */
export function currentNamespace(kc: KubeConfig): string {
  const context = kc.getContextObject(kc.getCurrentContext());
  return context?.namespace !== undefined && context.namespace !== '' ? context.namespace : 'default';
}
