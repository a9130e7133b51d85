import { isCodedError, unexpectedError } from '@gitseal/crypto';

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

/** The CLI's one error class: a one-line message (names the object or file, never secret bytes) and an exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.User,
    /** Findings printed one per line before the message (validate lists every problem). */
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

/** Collapses a message to one line so that stderr always gets exactly one line per failure. */
export function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** Re-throws anything as a CliError with `prefix: ` in front (a package error's message is already one line). */
export function wrapError(prefix: string, error: unknown, exitCode: ExitCode = ExitCode.User): CliError {
  if (error instanceof CliError) {
    return error;
  }
  // Only gitseal's coded errors carry messages safe to print; anything else shows its class name.
  const detail = isCodedError(error) ? error.message : unexpectedError(error);
  return new CliError(oneLine(prefix ? `${prefix}: ${detail}` : detail), exitCode);
}
