import { parseCertificate, type CertificateInfo } from '@gitseal/crypto';
import { CliError, wrapError } from './cli-error.js';
import { fetchText, isUrl } from './fetch-url.js';
import { readFileCapped } from './read-input.js';

const MAX_CERT_BYTES = 256 * 1024;

/** The options every command that needs the sealing certificate shares. */
export interface CertSourceOptions {
  readonly cert?: string | undefined;
  readonly certFingerprint?: string | undefined;
  readonly insecureHttp?: boolean | undefined;
  readonly controllerNamespace?: string | undefined;
  readonly controllerName?: string | undefined;
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
}

export interface CertPem {
  readonly pem: string;
  /** Names where the certificate came from, for messages: a path, a URL, the ConfigMap or the Service. */
  readonly source: string;
  /** How it was checked beyond parsing, e.g. against the controller's own /v1/cert.pem (or why it was not). */
  readonly checked?: string;
}

/** The certificate to seal with, and where it came from: what the stderr line ({@link certLine}) says. */
export interface SealingCert {
  readonly info: CertificateInfo;
  readonly source: string;
  readonly checked: string | undefined;
}

/**
 * Fetches the certificate's PEM text from --cert (file or URL) or, without --cert, from the controller. Without a
 * --cert-fingerprint pin, a certificate from the ConfigMap is cross-checked with the controller's own.
 */
export async function loadCertPem(options: CertSourceOptions): Promise<CertPem> {
  const cert = options.cert;
  if (cert !== undefined && isUrl(cert)) {
    const pem = await fetchText(cert, { insecureHttp: options.insecureHttp ?? false, maxBytes: MAX_CERT_BYTES });
    return { pem, source: new URL(cert).host + new URL(cert).pathname };
  }
  if (cert !== undefined) {
    const { text } = await readFileCapped(cert, MAX_CERT_BYTES);
    return { pem: text, source: cert };
  }
  // Only here does the CLI touch the cluster: load that code (and @kubernetes/client-node) on demand.
  const { fetchControllerCert } = await import('./controller-cert.js');
  return fetchControllerCert({
    namespace: options.controllerNamespace ?? 'gitseal-system',
    name: options.controllerName ?? 'gitseal-controller',
    kubeconfig: options.kubeconfig,
    context: options.context,
    crossCheck: options.certFingerprint === undefined,
  });
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;

/** `--cert-fingerprint`: checks the pin's shape, then that the certificate's key has exactly that fingerprint. */
export function checkFingerprint(info: CertificateInfo, source: string, pin: string | undefined): void {
  if (pin === undefined) {
    return;
  }
  if (!FINGERPRINT.test(pin)) {
    throw new CliError(
      `--cert-fingerprint: expected SHA256:<43 base64 characters>, as printed by gitseal cert --fingerprint`,
    );
  }
  if (info.fingerprint !== pin.replace(/=$/, '')) {
    throw new CliError(
      `${source}: certificate fingerprint ${info.fingerprint} does not match --cert-fingerprint ${pin}`,
    );
  }
}

/**
 * The certificate to seal with: loaded, checked (one PEM block, X.509, RSA ≥ 2048 bits, within its validity
 * window) and, with --cert-fingerprint, pinned.
 */
export async function loadSealingCert(options: CertSourceOptions, now = new Date()): Promise<SealingCert> {
  const { pem, source, checked } = await loadCertPem(options);
  let info: CertificateInfo;
  try {
    info = parseCertificate(pem, now, source);
  } catch (error) {
    throw wrapError('', error);
  }
  checkFingerprint(info, source, options.certFingerprint);
  return { info, source, checked: options.certFingerprint === undefined ? checked : 'pinned by --cert-fingerprint' };
}

/**
 * The one stderr line of a command that used a certificate: its fingerprint (the form --cert-fingerprint takes),
 * where it came from and how it was checked, e.g. `sealing to certificate SHA256:… (from ConfigMap
 * gitseal-system/gitseal-certs, matches the controller's /v1/cert.pem)`.
 */
export function certLine(what: string, cert: SealingCert): string {
  const checked = cert.checked === undefined ? '' : `, ${cert.checked}`;
  return `${what} ${cert.info.fingerprint} (from ${cert.source}${checked})`;
}
