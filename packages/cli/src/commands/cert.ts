import { certLine, loadSealingCert, type CertSourceOptions, type SealingCert } from '../cert-source.js';
import { formatReport } from '../cli-report.js';
import type { Notice } from '../command-io.js';
import type { ViewFormat } from '../options.js';

export interface CertOptions extends CertSourceOptions {
  readonly fingerprint?: boolean | undefined;
  readonly output?: ViewFormat | undefined;
}

/** An X.509 name as one line (`CN=sealed-secret, O=gitseal`): Node gives one attribute per line. */
function nameLine(name: string): string {
  return name
    .split('\n')
    .filter((part) => part !== '')
    .join(', ');
}

/** `cert -o json|yaml` (kind Certificate). */
export function certificateReport(cert: SealingCert): Parameters<typeof formatReport>[1] {
  const { info } = cert;
  return {
    fingerprint: info.fingerprint,
    keyId: info.keyId,
    subject: nameLine(info.certificate.subject),
    issuer: nameLine(info.certificate.issuer),
    serialNumber: info.certificate.serialNumber,
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
    source: cert.source,
    checked: cert.checked ?? null,
    pem: info.pem.endsWith('\n') ? info.pem : `${info.pem}\n`,
  };
}

/**
 * `gitseal cert`: prints the sealing certificate's PEM, with --fingerprint its `SHA256:…` fingerprint, or with
 * -o json|yaml a Certificate document; stderr names the fingerprint and where the certificate came from either way.
 */
export async function runCert(options: CertOptions, notice: Notice = () => undefined): Promise<string> {
  const cert = await loadSealingCert(options);
  notice(certLine('certificate', cert));
  if (options.output !== undefined && options.output !== 'text') {
    return formatReport('Certificate', certificateReport(cert), options.output);
  }
  if (options.fingerprint) {
    return `${cert.info.fingerprint}\n`;
  }
  return cert.info.pem.endsWith('\n') ? cert.info.pem : `${cert.info.pem}\n`;
}
