import { readCertificate } from '@gitseal/crypto';
import { CliError, ExitCode } from './cli-error.js';

/** The controller's route that serves its sealing certificate. */
export const CERT_PATH = '/v1/cert.pem';

/** Names for messages: `ConfigMap ns/gitseal-certs` and `Service ns/name`. */
export interface CrossCheckNames {
  readonly configMap: string;
  readonly service: string;
}

/** What the controller answered at /v1/cert.pem through the API server's service proxy, or why it did not. */
export type ControllerAnswer = { readonly pem: string } | { readonly unreachable: string };

/**
 * Compares the certificate picked from the ConfigMap with the one the controller itself serves, by key
 * fingerprint. Returns the note for the stderr line: they match, or the controller could not be asked (no
 * Service or endpoints, forbidden, …). Throws (exit 3, one line naming both fingerprints and the ConfigMap) when
 * they differ: whoever can write the ConfigMap must not choose the key everything gets sealed to.
 */
export function crossCheckCert(configMapPem: string, answer: ControllerAnswer, names: CrossCheckNames): string {
  const published = readCertificate(configMapPem, names.configMap).fingerprint;
  if ('unreachable' in answer) return `not cross-checked with the controller: ${answer.unreachable}`;
  let served: string;
  try {
    served = readCertificate(answer.pem, names.service).fingerprint;
  } catch {
    return `not cross-checked with the controller: ${names.service} ${CERT_PATH} answered no certificate`;
  }
  if (served === published) return `matches the controller's ${CERT_PATH}`;
  throw new CliError(
    `${names.configMap}: certificate ${published} differs from ${served}, which the controller serves at ` +
      `${names.service} ${CERT_PATH}; refusing to use it (the ConfigMap may have been tampered with: check it, ` +
      `or pin the expected key with --cert-fingerprint)`,
    ExitCode.Remote,
  );
}
