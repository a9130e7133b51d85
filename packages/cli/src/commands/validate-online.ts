import { CliError, ExitCode } from '../cli-error.js';
import { ControllerRoute, type ControllerEndpoint } from '../controller-endpoint.js';
import { refusalReason } from '../controller-reply.js';
import { postSealedSecret } from '../controller-request.js';
import type { SealedTarget } from '../sealed-target.js';
import {
  planValidate,
  problemResult,
  type ObjectResult,
  type ValidateResult,
  type ValidateSource,
} from './validate-source.js';

const KEY_NAME = /^[A-Za-z0-9:+/=_-]{1,80}$/;

/** The verify answer's keyFingerprints that look like fingerprints or key ids. */
function keysOf(keyFingerprints: unknown): string[] {
  if (!Array.isArray(keyFingerprints)) return [];
  return keyFingerprints.filter((k): k is string => typeof k === 'string' && KEY_NAME.test(k));
}

/** ` (key SHA256:…)` from the verify answer's keyFingerprints, when they look like fingerprints or key ids. */
export function keysText(keyFingerprints: unknown): string {
  const keys = keysOf(keyFingerprints);
  if (keys.length === 0) return '';
  return ` (${keys.length === 1 ? 'key' : 'keys'} ${keys.join(', ')})`;
}

/** One object through POST /v1/verify: its `ok` line, or its problem line. */
async function verifyOne(
  endpoint: ControllerEndpoint,
  object: unknown,
  target: SealedTarget,
): Promise<{ passed: string; keys: string[] } | { problem: string }> {
  const answer = await postSealedSecret(endpoint, ControllerRoute.Verify, object, target.where);
  if (answer.kind === 'refused') {
    const what = answer.status === 409 ? 'cannot be decrypted by the controller' : 'refused by the controller';
    return { problem: `${target.where}: ${what}: ${refusalReason(answer, target)}` };
  }
  const body = answer.body as { decryptable?: unknown; keyFingerprints?: unknown } | null;
  // An empty 200 is Bitnami's controller saying yes; gitseal's controller says which keys opened it.
  if (body === null) return { passed: `${target.where}: ok`, keys: [] };
  if (body.decryptable !== true) {
    throw new CliError(`${endpoint.where}: unexpected answer to ${ControllerRoute.Verify}`, ExitCode.Remote);
  }
  return { passed: `${target.where}: ok${keysText(body.keyFingerprints)}`, keys: keysOf(body.keyFingerprints) };
}

/**
 * `validate` (online): asks the controller whether each SealedSecret opens there, at the scope its metadata gives.
 * One line per object; the controller's failures (unreachable, 5xx, …) stop the run with exit 3.
 */
export async function validateOnline(
  sources: readonly ValidateSource[],
  openEndpoint: () => Promise<ControllerEndpoint>,
): Promise<ValidateResult> {
  let endpoint: ControllerEndpoint | undefined; // opened at the first SealedSecret: none, no cluster needed
  const passed: string[] = [];
  const problems: string[] = [];
  const results: ObjectResult[] = [];
  const { steps, checked } = planValidate(sources);
  for (const step of steps) {
    if ('problem' in step) {
      problems.push(step.problem);
      results.push(problemResult(step));
      continue;
    }
    endpoint ??= await openEndpoint();
    const result = await verifyOne(endpoint, step.object, step.target);
    const { namespace, name } = step.target;
    const object = { source: step.source, ...(namespace === undefined ? {} : { namespace }), name };
    if ('passed' in result) {
      passed.push(result.passed);
      results.push({ ...object, problems: [], keys: result.keys });
    } else {
      problems.push(result.problem);
      results.push({ ...object, problems: [result.problem] });
    }
  }
  return { passed, problems, checked, results };
}
