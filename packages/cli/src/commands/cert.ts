import { loadSealingCert, type CertSourceOptions } from '../cert-source.js';

export interface CertOptions extends CertSourceOptions {
  readonly fingerprint?: boolean;
}

/** `gitseal cert`: prints the sealing certificate's PEM, or with --fingerprint its `SHA256:…` fingerprint. */
export async function runCert(raw: Record<string, unknown>): Promise<string> {
  const options = raw as CertOptions;
  const info = await loadSealingCert(options);
  if (options.fingerprint) {
    return `${info.fingerprint}\n`;
  }
  return info.pem.endsWith('\n') ? info.pem : `${info.pem}\n`;
}
