import { loadSealingCert, type CertSourceOptions } from '../cert-source.js';
import { CliError, ExitCode } from '../cli-error.js';
import { openControllerEndpoint, type ControllerOptions } from '../controller-endpoint.js';
import { resolveFileArgs } from '../list-manifest-files.js';
import { validateOffline } from './validate-offline.js';
import { validateOnline } from './validate-online.js';
import { readValidateSources } from './validate-source.js';

export interface ValidateOptions extends CertSourceOptions, ControllerOptions {
  readonly offline?: boolean;
  readonly file?: string[];
  readonly recursive?: string;
}

/**
 * `gitseal validate`: asks the controller (POST /v1/verify) whether every SealedSecret in the files (or stdin)
 * opens there, one line per object; `--offline` checks them against a certificate instead. Exit 1 lists every
 * problem, one line each; exit 3 when the controller cannot be asked.
 */
export async function runValidate(raw: Record<string, unknown>): Promise<string> {
  const options = raw as unknown as ValidateOptions;
  if (!options.offline && (options.cert !== undefined || options.certFingerprint !== undefined)) {
    throw new CliError(
      'validate: --cert and --cert-fingerprint need --offline (online, the controller checks with its own keys)',
      ExitCode.Usage,
    );
  }
  const files = await resolveFileArgs(options.file, options.recursive);
  if (options.recursive !== undefined && files.length === 0) {
    throw new CliError(`${options.recursive}: no .yaml, .yml or .json files found`);
  }
  const sources = await readValidateSources(files);
  const where = files.length === 0 ? 'stdin' : `${files.length} file(s)`;
  const cert = options.offline ? (await loadSealingCert(options)).info : undefined;
  const result = cert
    ? validateOffline(sources, cert)
    : await validateOnline(sources, () => openControllerEndpoint(options));
  if (result.problems.length > 0) {
    throw new CliError(`validate: ${result.problems.length} problem(s) in ${where}`, ExitCode.User, result.problems);
  }
  if (result.checked === 0) throw new CliError(`validate: no SealedSecret found in ${where}`);
  if (cert) return `${result.checked} SealedSecret(s) in ${where} OK for ${cert.fingerprint}\n`;
  return result.passed.map((line) => `${line}\n`).join('');
}
