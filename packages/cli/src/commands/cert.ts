import { certLine, loadSealingCert, type CertSourceOptions } from '../cert-source.js';
import type { Notice } from '../program.js';

export interface CertOptions extends CertSourceOptions {
  readonly fingerprint?: boolean;
}

/**
 * `gitseal cert`: prints the sealing certificate's PEM, or with --fingerprint its `SHA256:…` fingerprint; stderr
 * names the fingerprint and where the certificate came from either way.
 */
export async function runCert(raw: Record<string, unknown>, notice: Notice = () => undefined): Promise<string> {
  const options = raw as CertOptions;
  const cert = await loadSealingCert(options);
  notice(certLine('certificate', cert));
  if (options.fingerprint) {
    return `${cert.info.fingerprint}\n`;
  }
  return cert.info.pem.endsWith('\n') ? cert.info.pem : `${cert.info.pem}\n`;
}
