import { CodedError, isCodedError, unexpectedError } from '@gitseal/crypto';
import type { KubeError, KubeErrorCode } from '@gitseal/kube';

/** Process exit codes, documented in `gitseal --help`. */
export const ExitCode = {
  Ok: 0,
  /** Bad input: unreadable file, not a Secret, wrong scope, a value that does not open… */
  User: 1,
  /** Usage: unknown option, missing argument (commander's errors). */
  Usage: 2,
  /** Remote: the controller, the API server or a URL could not be reached or answered badly. */
  Remote: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

const CODE_OF_EXIT = { 0: 'OK', 1: 'BAD_INPUT', 2: 'USAGE', 3: 'REMOTE' } as const;
export type CliErrorCode = (typeof CODE_OF_EXIT)[ExitCode];

/** The CLI's one error class: a one-line message (names the object or file, never secret bytes) and an exit code. */
export class CliError extends CodedError<CliErrorCode> {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.User,
    /** Findings printed one per line before the message (validate lists every problem). */
    readonly details: readonly string[] = [],
  ) {
    super(CODE_OF_EXIT[exitCode], message);
  }
}

/** Collapses a message to one line so that stderr always gets exactly one line per failure. */
export function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/**
 * The CLI's one mapping from anything thrown to what it prints and exits with.
 * - A CliError passes through.
 * - A KubeError (its message already names the object) exits 1 when the input was at fault — a broken kubeconfig, an
 *   object the API server refuses as invalid (400/422) — and 3 otherwise (no answer, timeout, 403, 5xx).
 * - Another coded error's message is safe: printed after `where`, exit 1.
 * - Anything else may quote input or a response: only its class name is printed, or for a cluster call (`remote`)
 *   `where: cannot reach the API server` with exit 3 (e.g. the client refusing a plain-http server).
 */
function mapError(error: unknown, where: string, remote: boolean): CliError {
  if (error instanceof CliError) return error;
  if (isKubeError(error)) return new CliError(error.message, kubeInputAtFault(error) ? ExitCode.User : ExitCode.Remote);
  const prefixed = (detail: string): string => oneLine(where === '' ? detail : `${where}: ${detail}`);
  if (isCodedError(error)) return new CliError(prefixed(error.message), ExitCode.User);
  if (remote) return new CliError(prefixed('cannot reach the API server'), ExitCode.Remote);
  return new CliError(prefixed(unexpectedError(error)), ExitCode.User);
}

// Type-only imports of the kube layer: the seal path must not load the Kubernetes client (cli-startup test).
const KUBE_INPUT_CODES: ReadonlySet<KubeErrorCode> = new Set<KubeErrorCode>([
  'CONFIG_NOT_FOUND',
  'CONFIG_INVALID',
  'INVALID_OBJECT',
]);

function isKubeError(error: unknown): error is KubeError {
  return isCodedError(error) && error.name === 'KubeError';
}

function kubeInputAtFault(error: KubeError): boolean {
  return KUBE_INPUT_CODES.has(error.code) || error.status === 400 || error.status === 422;
}

/** A local step failed (reading, parsing, sealing): `prefix: ` goes in front of the safe message. */
export function wrapError(prefix: string, error: unknown): CliError {
  return mapError(error, prefix, false);
}

/** A call to the API server (or through it to the controller) failed; `what` names the call. */
export function toCliError(error: unknown, what: string): CliError {
  return mapError(error, what, true);
}

/** What reaches stderr for an error: one line, never an exception's stack or a request body. */
export function describeError(error: unknown): { message: string; exitCode: number; details: readonly string[] } {
  const cli = mapError(error, '', false);
  return { message: cli.message, exitCode: cli.exitCode, details: cli.details };
}
