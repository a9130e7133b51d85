const CODED = Symbol.for('gitseal.CodedError');

/**
 * The base of gitseal's error classes, one per layer (sigstore's BaseError shape): a string `code`, a one-line
 * message that names the object or file and never holds secret bytes (house rule), and an optional `cause` that is
 * itself a CodedError — never a library's exception, whose message or body could quote input or a response, so a
 * logger that serializes causes cannot leak one. Only these messages are passed on as they are.
 *
 * Recognised by a registered symbol rather than `instanceof`, so that a copy of this package loaded twice (a
 * bundle beside the workspace package) still recognises the other's errors.
 */
export abstract class CodedError<Code extends string = string> extends Error {
  abstract override readonly name: string;
  declare readonly cause?: CodedError;
  readonly [CODED] = true;

  constructor(
    readonly code: Code,
    message: string,
    options: { readonly cause?: CodedError } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** True for one of gitseal's coded errors, whose message is safe to print. */
export function isCodedError(error: unknown): error is CodedError {
  return error instanceof Error && (error as { [CODED]?: unknown })[CODED] === true;
}

/** What to print for an error that is not one of ours: its class name only, never its message. */
export function unexpectedError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const name = /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(error.name) ? error.name : 'Error';
  return `unexpected ${name}`;
}

/** A coded error's message, else `fallback` (never a foreign error's message, which may quote input). */
export function safeMessage(error: unknown, fallback: string): string {
  return isCodedError(error) ? error.message : fallback;
}
