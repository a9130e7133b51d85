import { readCertificate } from '@gitseal/crypto';
import {
  getJson,
  getViaServiceProxy,
  KubeError,
  KubeErrorCode,
  loadKubeConfig,
  resourcePath,
  Resources,
} from '@gitseal/kube';
import type { CertPem } from './cert-source.js';
import { CliError, ExitCode } from './cli-error.js';

export interface ControllerCertOptions {
  readonly namespace: string;
  readonly name: string;
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** The ConfigMap the controller publishes its certificates in (readable with the user's own credentials). */
export const CERTS_CONFIG_MAP = 'gitseal-certs';
export const CERT_PATH = '/v1/cert.pem';
const TIMEOUT_MS = 10_000;
const MAX_BYTES = 1024 * 1024;

type KubeConfig = ReturnType<typeof loadKubeConfig>;

function toCliError(error: unknown, source: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof KubeError) {
    const local = error.code === KubeErrorCode.ConfigNotFound || error.code === KubeErrorCode.ConfigInvalid;
    return new CliError(error.message, local ? ExitCode.User : ExitCode.Remote);
  }
  // e.g. the client refusing a plain-http server: its message is not ours to print.
  return new CliError(`${source}: cannot reach the API server`, ExitCode.Remote);
}

function loadConfig(options: ControllerCertOptions): KubeConfig {
  const kc = loadKubeConfig(options.kubeconfig === undefined ? {} : { kubeconfig: options.kubeconfig });
  if (options.context !== undefined) {
    if (kc.getContextObject(options.context) === null) {
      throw new CliError(`kubeconfig: no context named "${options.context}"`);
    }
    kc.setCurrentContext(options.context);
  }
  return kc;
}

/** The newest certificate in the ConfigMap that is valid now (data keys `*.pem` / `*.crt`), if any. */
export function newestUsableCert(data: Record<string, unknown> | undefined, now = new Date()): string | undefined {
  let best: { pem: string; notBefore: Date } | undefined;
  for (const [key, value] of Object.entries(data ?? {})) {
    if (typeof value !== 'string' || !/\.(pem|crt)$/.test(key)) continue;
    try {
      const info = readCertificate(value, `ConfigMap key ${key}`);
      if (now < info.notBefore || now > info.notAfter) continue;
      if (!best || info.notBefore > best.notBefore) best = { pem: value, notBefore: info.notBefore };
    } catch {
      continue; // not a usable certificate: skip it, the service proxy is the fallback
    }
  }
  return best?.pem;
}

/** The data key the controller writes its current sealing certificate to. */
export const SEALING_CERT_KEY = 'cert.pem';

/**
 * The certificate to seal with from the ConfigMap's data: `cert.pem` (the controller's sealing certificate) when
 * it is usable now, else the newest usable one. The other `<keyId>.pem` entries also list decrypt-only keys, which
 * may be newer than the sealing key and must not be picked while `cert.pem` is there.
 */
export function sealingCertFrom(data: Record<string, unknown> | undefined, now = new Date()): string | undefined {
  const sealing = data?.[SEALING_CERT_KEY];
  const usable = newestUsableCert(typeof sealing === 'string' ? { [SEALING_CERT_KEY]: sealing } : {}, now);
  return usable ?? newestUsableCert(data, now);
}

/** Returns undefined when the ConfigMap is absent or forbidden (then the service proxy is tried). */
async function fromConfigMap(kc: KubeConfig, options: ControllerCertOptions): Promise<string | undefined> {
  try {
    const configMap = await getJson<{ data?: Record<string, unknown> }>(kc, {
      path: resourcePath(Resources.ConfigMap, options.namespace, CERTS_CONFIG_MAP),
      what: `ConfigMap ${options.namespace}/${CERTS_CONFIG_MAP}`,
      timeoutMs: TIMEOUT_MS,
      maxBytes: MAX_BYTES,
    });
    return sealingCertFrom(configMap.data);
  } catch (error) {
    // An answer from the API server (404, 403, …) means "try the proxy"; no answer at all means unreachable.
    if (error instanceof KubeError && error.status !== undefined) return undefined;
    throw error;
  }
}

/**
 * The sealing certificate from the running controller: first the `gitseal-certs` ConfigMap ({@link sealingCertFrom}),
 * else `GET /v1/cert.pem` through the API server's service proxy. Network failures exit 3.
 */
export async function fetchControllerCert(options: ControllerCertOptions): Promise<CertPem> {
  const source = `controller ${options.namespace}/${options.name}`;
  try {
    const kc = loadConfig(options);
    const fromMap = await fromConfigMap(kc, options);
    if (fromMap !== undefined) return { pem: fromMap, source: `${source} (ConfigMap ${CERTS_CONFIG_MAP})` };
    const body = await getViaServiceProxy(kc, {
      namespace: options.namespace,
      service: options.name,
      path: CERT_PATH,
      timeoutMs: TIMEOUT_MS,
      maxBytes: MAX_BYTES,
    });
    return { pem: body.toString('utf8'), source };
  } catch (error) {
    throw toCliError(error, source);
  }
}
