import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, ExitCode } from './cli-error.js';
import type { ControllerEndpoint, ControllerRoute } from './controller-endpoint.js';
import { readReply, type ControllerOutcome } from './controller-reply.js';

export type ControllerAnswer = Exclude<ControllerOutcome, { kind: 'retry' }>;

export interface PostOptions {
  /** Attempts in all, the first included (default 4). */
  readonly maxAttempts?: number | undefined;
  readonly wait?: ((ms: number) => Promise<unknown>) | undefined;
}

const DEFAULT_ATTEMPTS = 4;

/**
 * POSTs one SealedSecret (as JSON: ciphertext only) to the controller and reads the answer, waiting out 429s a
 * few times. `subject` names the object (`file: SealedSecret ns/name`) in messages.
 */
export async function postSealedSecret(
  endpoint: ControllerEndpoint,
  route: ControllerRoute,
  object: unknown,
  subject: string,
  options: PostOptions = {},
): Promise<ControllerAnswer> {
  const json = JSON.stringify(object);
  const attempts = options.maxAttempts ?? DEFAULT_ATTEMPTS;
  const wait = options.wait ?? sleep;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const outcome = readReply(await endpoint.post(route, json), endpoint.where, subject, attempt);
    if (outcome.kind !== 'retry') return outcome;
    if (attempt + 1 < attempts) await wait(outcome.delayMs);
  }
  throw new CliError(
    `${endpoint.where}: still rate limited (429) after ${attempts} attempts; try again later`,
    ExitCode.Remote,
  );
}
