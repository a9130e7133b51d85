import { parseCertificate } from '@gitseal/crypto';
import { KubeError, requestRaw, resourcePath, Resources } from '@gitseal/kube';
import type { UiCertificate, UiKeys } from '@gitseal/manifests';
import { CliError, ExitCode } from '../cli-error.js';
import { CERTS_CONFIG_MAP } from '../controller-cert.js';
import type { KubeConfig } from '../kube-session.js';
import { keyTable, parseCertsJson, type PublishedKey } from './key-table.js';
import type { SealedSecretFeed } from './sealed-secret-feed.js';

export interface KeysSource {
  readonly kc: KubeConfig;
  /** Where the controller runs (its ConfigMap gitseal-certs and Service). */
  readonly controllerNamespace: string;
  readonly controllerName: string;
  /** The controller's --key-renew-period in ms (0: renewal off), and as written. */
  readonly renewPeriodMs: number;
  readonly renewPeriod: string;
  /** For the certificate: the user's kubeconfig file and context, as `gitseal seal` takes them. */
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** The published keys from `certs.json` of the controller's ConfigMap, or a one-line reason they cannot be read. */
async function readPublished(source: KeysSource): Promise<PublishedKey[] | string> {
  const where = `ConfigMap ${source.controllerNamespace}/${CERTS_CONFIG_MAP}`;
  let status: number;
  let body: Buffer;
  try {
    const response = await requestRaw(source.kc, {
      path: resourcePath(Resources.ConfigMap, source.controllerNamespace, CERTS_CONFIG_MAP),
      what: `read ${where}`,
      timeoutMs: 10_000,
      maxBytes: 1024 * 1024,
    });
    ({ status, body } = response);
  } catch (error) {
    return `${where} cannot be read: ${error instanceof KubeError ? error.message : 'the API server did not answer'}`;
  }
  if (status === 403 || status === 401) {
    return `You may not read ${where} (RBAC forbids get on configmaps in namespace ${source.controllerNamespace}): the keys cannot be shown.`;
  }
  if (status === 404) return `${where} does not exist: is gitseal-controller running in ${source.controllerNamespace}?`;
  if (status < 200 || status >= 300) return `${where} cannot be read: the API server answered ${status}`;
  try {
    const data = (JSON.parse(body.toString('utf8')) as { data?: Record<string, unknown> }).data;
    const text = data?.['certs.json'];
    if (typeof text !== 'string') return `${where} has no certs.json: is gitseal-controller up to date?`;
    return parseCertsJson(text);
  } catch {
    return `${where}: certs.json is not a list of keys`;
  }
}

/**
 * The Keys page: every key the controller publishes (state, age, renewal) and how many of the SealedSecrets the
 * user can list each one opens. Only public data is read: the ConfigMap and SealedSecret statuses, never a key Secret.
 */
export async function readKeys(source: KeysSource, feed: SealedSecretFeed): Promise<UiKeys> {
  const [published, list] = await Promise.all([readPublished(source), feed.start()]);
  const problems: string[] = [];
  if (typeof published === 'string') problems.push(published);
  if (list.scope === 'none') problems.push(...list.problems.map((p) => `${p} Keys show no counts.`));
  else if (list.scope !== 'all namespaces') problems.push(`Counts cover namespace ${list.scope} only.`);
  const items = feed.items();
  const table = keyTable(typeof published === 'string' ? [] : published, items, source.renewPeriodMs);
  return {
    type: 'keys',
    keys: table.keys,
    source: `ConfigMap ${source.controllerNamespace}/${CERTS_CONFIG_MAP}`,
    ...(source.renewPeriodMs > 0 ? { renewPeriod: source.renewPeriod } : {}),
    counted: items.length,
    countScope: list.scope,
    unknown: table.unknown,
    problems,
  };
}

/**
 * The certificate the Seal page seals to, fetched exactly as `gitseal seal` does (the ConfigMap cross-checked with
 * the controller's /v1/cert.pem through the API server's service proxy, else that alone) and checked (one PEM
 * block, RSA ≥ 2048, valid now). Only public data: the browser seals, the server never sees a plaintext.
 */
export async function readSealingCert(source: KeysSource): Promise<UiCertificate> {
  const { fetchControllerCert } = await import('../controller-cert.js');
  const cert = await fetchControllerCert({
    namespace: source.controllerNamespace,
    name: source.controllerName,
    ...(source.kubeconfig === undefined ? {} : { kubeconfig: source.kubeconfig }),
    ...(source.context === undefined ? {} : { context: source.context }),
    crossCheck: true,
  });
  let info;
  try {
    info = parseCertificate(cert.pem, new Date(), cert.source);
  } catch {
    throw new CliError(`${cert.source}: not a usable sealing certificate`, ExitCode.Remote);
  }
  return {
    pem: info.pem,
    fingerprint: info.fingerprint,
    keyId: info.keyId,
    notAfter: info.notAfter.toISOString(),
    source: cert.checked === undefined ? cert.source : `${cert.source}, ${cert.checked}`,
  };
}
