import { describeScopeLabel, inspectSealedValue, type CertificateInfo } from '@gitseal/crypto';
import { isCodedError, unexpectedError } from '@gitseal/crypto';
import { loadSealingCert, type CertSourceOptions } from '../cert-source.js';
import { CliError, ExitCode } from '../cli-error.js';
import { resolveFileArgs } from '../list-manifest-files.js';
import { readManifestFile } from '../read-manifests.js';
import { readSealedTarget, type SealedTarget } from '../sealed-target.js';

export interface ValidateOptions extends CertSourceOptions {
  readonly offline?: boolean;
  readonly file?: string[];
  readonly recursive?: string;
}

/** AES-GCM tag after the RSA block of a v1 value. */
const GCM_TAG_BYTES = 16;

function messageOf(error: unknown): string {
  return isCodedError(error) ? error.message : unexpectedError(error);
}

/** What can be wrong with one value, checked against the certificate only (no private key). */
function checkValue(target: SealedTarget, itemKey: string, value: string, cert: CertificateInfo): string | undefined {
  const modulusBytes = (cert.publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  let info;
  try {
    info = inspectSealedValue(value, 'value');
  } catch (error) {
    return messageOf(error);
  }
  if (info.envelope === 'v2') {
    if (info.keyId !== cert.keyId) return `sealed for key ${info.keyId}, not this certificate's key ${cert.keyId}`;
    if (info.scopeLabel !== target.label) {
      return `sealed for scope ${describeScopeLabel(info.scopeLabel)}, but the object is at ${describeScopeLabel(target.label)} (renamed or moved?)`;
    }
  }
  if (info.rsaBytes !== modulusBytes) {
    return `RSA block is ${info.rsaBytes} bytes, but this certificate's key needs ${modulusBytes} (sealed for another key, or corrupted)`;
  }
  if (info.envelope === 'v1' && Buffer.byteLength(value, 'base64') < 2 + modulusBytes + GCM_TAG_BYTES) {
    return 'value is too short for an RSA block and an AES-GCM tag';
  }
  return undefined;
}

/** Every problem of one file, one line each: `file: SealedSecret ns/name: key "x": …`. */
async function validateFile(path: string, cert: CertificateInfo): Promise<{ problems: string[]; checked: number }> {
  let input;
  try {
    input = await readManifestFile(path);
  } catch (error) {
    return { problems: [messageOf(error)], checked: 0 };
  }
  const problems: string[] = [];
  let checked = 0;
  for (const manifest of input.manifests) {
    if (manifest.object.kind !== 'SealedSecret') continue;
    checked += 1;
    let target: SealedTarget;
    try {
      target = readSealedTarget(manifest.object, path);
    } catch (error) {
      problems.push(messageOf(error));
      continue;
    }
    for (const [itemKey, value] of Object.entries(target.sealed.spec.encryptedData)) {
      const problem = checkValue(target, itemKey, value, cert);
      if (problem !== undefined) problems.push(`${target.where}: key "${itemKey}": ${problem}`);
    }
  }
  return { problems, checked };
}

/**
 * `gitseal validate --offline`: every SealedSecret in the files must target this certificate's key and, for v2
 * values, carry the scope label of where the object now sits. Exit 1 lists every problem, one line each.
 */
export async function runValidate(raw: Record<string, unknown>): Promise<string> {
  const options = raw as unknown as ValidateOptions;
  if (!options.offline) {
    throw new CliError(
      'validate: only --offline validation is available (online validation is not built yet)',
      ExitCode.Usage,
    );
  }
  const files = await resolveFileArgs(options.file, options.recursive);
  if (files.length === 0) {
    throw new CliError(
      options.recursive === undefined
        ? 'validate: give -f FILE or -R DIR'
        : `${options.recursive}: no .yaml, .yml or .json files found`,
      options.recursive === undefined ? ExitCode.Usage : ExitCode.User,
    );
  }
  const cert = await loadSealingCert(options);
  const problems: string[] = [];
  let checked = 0;
  for (const file of files) {
    const result = await validateFile(file, cert);
    problems.push(...result.problems);
    checked += result.checked;
  }
  if (problems.length > 0) {
    throw new CliError(`validate: ${problems.length} problem(s) in ${files.length} file(s)`, ExitCode.User, problems);
  }
  if (checked === 0) throw new CliError(`validate: no SealedSecret found in ${files.length} file(s)`);
  return `${checked} SealedSecret(s) in ${files.length} file(s) OK for ${cert.fingerprint}\n`;
}
