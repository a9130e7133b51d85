import { readCertificate } from '@gitseal/crypto';
import { getJson, getViaServiceProxy, KubeError, loadKubeConfig, resourcePath, Resources } from '@gitseal/kube';
import { CERT_PATH, crossCheckCert, type ControllerAnswer } from './cert-cross-check.js';
import type { CertPem } from './cert-source.js';
import { CliError, toCliError } from './cli-error.js';

export interface ControllerCertOptions {
  readonly namespace: string;
  readonly name: string;
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  /** Cross-check a ConfigMap certificate with the controller's own /v1/cert.pem (off when it is pinned). */
  readonly crossCheck?: boolean | undefined;
}

/** The ConfigMap the controller publishes its certificates in (readable with the user's own credentials). */
export const CERTS_CONFIG_MAP = 'gitseal-certs';
export { CERT_PATH } from './cert-cross-check.js';
const TIMEOUT_MS = 10_000;
/** The cross-check is a second opinion: an unreachable controller must not hold sealing up for long. */
const CROSS_CHECK_TIMEOUT_MS = 5_000;
const MAX_BYTES = 1024 * 1024;

type KubeConfig = ReturnType<typeof loadKubeConfig>;

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

function proxyCert(kc: KubeConfig, options: ControllerCertOptions, timeoutMs: number): Promise<Buffer> {
  return getViaServiceProxy(kc, {
    namespace: options.namespace,
    service: options.name,
    path: CERT_PATH,
    timeoutMs,
    maxBytes: MAX_BYTES,
  });
}

/** The controller's own certificate through the service proxy, or why it could not be had (never throws). */
async function askController(
  kc: KubeConfig,
  options: ControllerCertOptions,
  service: string,
): Promise<ControllerAnswer> {
  try {
    return { pem: (await proxyCert(kc, options, CROSS_CHECK_TIMEOUT_MS)).toString('utf8') };
  } catch (error) {
    // KubeError messages are safe one-liners naming the Service (e.g. `service unavailable (503)`, `forbidden (403)`).
    return { unreachable: error instanceof KubeError ? error.message : `${service}: cannot reach the controller` };
  }
}

/**
 * The sealing certificate from the running controller: first the `gitseal-certs` ConfigMap ({@link sealingCertFrom}),
 * cross-checked (unless told not to) with `GET /v1/cert.pem` through the API server's service proxy, which refuses
 * a ConfigMap that disagrees with the controller and notes when the controller could not be asked; else that
 * `GET /v1/cert.pem` alone. Network failures exit 3.
 */
export async function fetchControllerCert(options: ControllerCertOptions): Promise<CertPem> {
  const service = `Service ${options.namespace}/${options.name}`;
  const configMap = `ConfigMap ${options.namespace}/${CERTS_CONFIG_MAP}`;
  try {
    const kc = loadConfig(options);
    const fromMap = await fromConfigMap(kc, options);
    if (fromMap !== undefined) {
      if (options.crossCheck === false) return { pem: fromMap, source: configMap };
      const answer = await askController(kc, options, service);
      return { pem: fromMap, source: configMap, checked: crossCheckCert(fromMap, answer, { configMap, service }) };
    }
    const body = await proxyCert(kc, options, TIMEOUT_MS);
    return { pem: body.toString('utf8'), source: `${service} ${CERT_PATH}` };
  } catch (error) {
    throw toCliError(error, `controller ${options.namespace}/${options.name}`);
  }
}
