import { describeScopeLabel, inspectSealedValue, type CertificateInfo } from '@gitseal/crypto';
import type { SealedTarget } from '../sealed-target.js';
import {
  messageOf,
  planValidate,
  problemResult,
  type ObjectResult,
  type ValidateResult,
  type ValidateSource,
} from './validate-source.js';

/** AES-GCM tag after the RSA block of a v1 value. */
const GCM_TAG_BYTES = 16;

/** What can be wrong with one value, checked against the certificate only (no private key). */
function checkValue(target: SealedTarget, value: string, cert: CertificateInfo): string | undefined {
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

/**
 * `validate --offline`: every SealedSecret must target this certificate's key and, for v2 values, carry the scope
 * label of where the object now sits. Every problem is one line: `file: SealedSecret ns/name: key "x": …`.
 */
export function validateOffline(sources: readonly ValidateSource[], cert: CertificateInfo): ValidateResult {
  const { steps, checked } = planValidate(sources);
  const results = steps.map((step): ObjectResult => {
    if ('problem' in step) return problemResult(step);
    const { namespace, name } = step.target;
    return {
      source: step.source,
      ...(namespace === undefined ? {} : { namespace }),
      name,
      problems: targetProblems(step.target, cert),
    };
  });
  return { passed: [], problems: results.flatMap((r) => r.problems), checked, results };
}

/** One line per value of the object that does not fit the certificate. */
function targetProblems(target: SealedTarget, cert: CertificateInfo): string[] {
  return Object.entries(target.sealed.spec.encryptedData).flatMap(([itemKey, value]) => {
    const problem = checkValue(target, value, cert);
    return problem === undefined ? [] : [`${target.where}: key "${itemKey}": ${problem}`];
  });
}
