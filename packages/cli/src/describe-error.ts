import { isCodedError, unexpectedError } from '@gitseal/crypto';
import { CliError, ExitCode } from './cli-error.js';

/** What reaches stderr for an error: one line, prefixed, never an exception's stack or a request body. */
export function describeError(error: unknown): { message: string; exitCode: number; details: readonly string[] } {
  if (error instanceof CliError) {
    return { message: error.message, exitCode: error.exitCode, details: error.details };
  }
  if (isCodedError(error)) {
    // Package errors (crypto, manifests, kube, sync) carry one-line messages without secret bytes.
    return { message: error.message, exitCode: ExitCode.User, details: [] };
  }
  // Any other error's message may quote input (a parser's, a library's): print its class name only.
  return { message: unexpectedError(error), exitCode: ExitCode.User, details: [] };
}
