import { inspectSealedValue } from '@gitseal/crypto';
import { CliError, ExitCode } from '../cli-error.js';
import { ControllerRoute, type ControllerEndpoint } from '../controller-endpoint.js';
import { refusalReason } from '../controller-reply.js';
import { postSealedSecret } from '../controller-request.js';
import type { SealedTarget } from '../sealed-target.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function envelopeOf(value: unknown): string | undefined {
  try {
    return typeof value === 'string' ? inspectSealedValue(value, 'value').envelope : undefined;
  } catch {
    return undefined;
  }
}

/** Why the rotated values cannot stand in for the old ones, or undefined when they can. */
function mismatch(answer: unknown, target: SealedTarget): string | undefined {
  const metadata = isRecord(answer) && isRecord(answer.metadata) ? answer.metadata : {};
  if (metadata.name !== target.name || (metadata.namespace ?? undefined) !== target.namespace) {
    return 'another object';
  }
  const spec = isRecord(answer) ? answer.spec : undefined;
  const rotated = isRecord(spec) && isRecord(spec.encryptedData) ? spec.encryptedData : undefined;
  const before = target.sealed.spec.encryptedData;
  if (!rotated || Object.keys(rotated).sort().join('\n') !== Object.keys(before).sort().join('\n')) {
    return 'other items';
  }
  for (const [itemKey, value] of Object.entries(rotated)) {
    if (typeof value !== 'string' || envelopeOf(value) === undefined) return `item "${itemKey}" is not a sealed value`;
    const info = inspectSealedValue(value, 'value');
    if (info.envelope !== envelopeOf(before[itemKey])) return `item "${itemKey}" changed envelope`;
    // The controller must never widen the scope; v2 values carry their scope label in clear, so check it.
    if (info.envelope === 'v2' && info.scopeLabel !== target.label) return `item "${itemKey}" changed scope`;
  }
  return undefined;
}

/**
 * The new encryptedData values from a /v1/rotate answer: the same object and items, each value in its old
 * envelope and (v2) still bound to the object's scope. Anything else is the controller's fault (exit 3).
 */
export function rotatedValues(answer: unknown, target: SealedTarget, where: string): Record<string, string> {
  const why = mismatch(answer, target);
  if (why !== undefined) {
    throw new CliError(
      `${target.where}: ${where}: the answer to ${ControllerRoute.Rotate} is not this SealedSecret re-encrypted (${why})`,
      ExitCode.Remote,
    );
  }
  const spec = (answer as { spec: { encryptedData: Record<string, string> } }).spec;
  return { ...spec.encryptedData };
}

/**
 * Re-encrypts one SealedSecret (the object as written in its file) to the controller's newest key through
 * POST /v1/rotate and returns its new encryptedData values; an object the controller cannot open exits 1.
 */
export async function rotateThroughController(
  endpoint: ControllerEndpoint,
  target: SealedTarget,
  object: unknown,
): Promise<Record<string, string>> {
  const answer = await postSealedSecret(endpoint, ControllerRoute.Rotate, object, target.where);
  if (answer.kind === 'refused') {
    const what = answer.status === 409 ? 'cannot be re-encrypted by the controller' : 'refused by the controller';
    throw new CliError(`${target.where}: ${what}: ${refusalReason(answer, target)}`, ExitCode.User);
  }
  return rotatedValues(answer.body, target, endpoint.where);
}
