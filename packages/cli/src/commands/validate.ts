import { loadSealingCert, type CertSourceOptions } from '../cert-source.js';
import { CliError, ExitCode } from '../cli-error.js';
import { formatReport, orNull } from '../cli-report.js';
import { openControllerEndpoint, type ControllerOptions } from '../controller-endpoint.js';
import { resolveFileArgs } from '../list-manifest-files.js';
import type { ViewFormat } from '../options.js';
import { validateOffline } from './validate-offline.js';
import { validateOnline } from './validate-online.js';
import { readValidateSources, type ValidateResult } from './validate-source.js';

export interface ValidateOptions extends CertSourceOptions, ControllerOptions {
  readonly offline?: boolean | undefined;
  readonly file?: string[] | undefined;
  readonly recursive?: string | undefined;
  readonly output?: ViewFormat | undefined;
}

/** What `validate` prints on stdout, and whether it ends with exit 1 (`summary` is then its stderr line). */
export interface ValidateOutcome {
  readonly text: string;
  readonly failed: boolean;
  readonly summary: string;
}

/** `validate -o json|yaml` (kind ValidationReport): every object's result, passed or not. */
export function validationReport(
  result: ValidateResult,
  mode: 'online' | 'offline',
  certificate: string | undefined,
): Parameters<typeof formatReport>[1] {
  return {
    mode,
    certificate: orNull(certificate),
    checked: result.checked,
    valid: result.problems.length === 0,
    results: result.results.map((r) => ({
      file: r.source,
      namespace: orNull(r.namespace),
      name: orNull(r.name),
      valid: r.problems.length === 0,
      problems: [...r.problems],
      keys: r.keys === undefined ? null : [...r.keys],
    })),
  };
}

/**
 * `gitseal validate`: asks the controller (POST /v1/verify) whether every SealedSecret in the files (or stdin)
 * opens there, one line per object; `--offline` checks them against a certificate instead. Exit 1 lists every
 * problem, one line each; exit 3 when the controller cannot be asked. With -o json|yaml, every object's result is
 * on stdout (problems or not) and a problem run still exits 1 with one summary line on stderr.
 */
export async function runValidate(options: ValidateOptions): Promise<ValidateOutcome> {
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
  const summary = `validate: ${result.problems.length} problem(s) in ${where}`;
  const output = options.output ?? 'text';
  if (output !== 'text') {
    if (result.checked === 0 && result.problems.length === 0) {
      throw new CliError(`validate: no SealedSecret found in ${where}`);
    }
    const report = validationReport(result, cert ? 'offline' : 'online', cert?.fingerprint);
    return { text: formatReport('ValidationReport', report, output), failed: result.problems.length > 0, summary };
  }
  if (result.problems.length > 0) throw new CliError(summary, ExitCode.User, result.problems);
  if (result.checked === 0) throw new CliError(`validate: no SealedSecret found in ${where}`);
  const text = cert
    ? `${result.checked} SealedSecret(s) in ${where} OK for ${cert.fingerprint}\n`
    : result.passed.map((line) => `${line}\n`).join('');
  return { text, failed: false, summary };
}
