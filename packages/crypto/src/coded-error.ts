/**
 * Names of gitseal's coded error classes, one per layer. Their messages are one line, name the object or file
 * and never hold secret bytes (house rule), so they are the only messages passed on as they are. The check is by
 * name plus a string `code` rather than `instanceof`, so that a layer can recognise another's errors without
 * importing it (SyncError lives above kube; CliError has an exit code instead of a code).
 */
export const CODED_ERROR_NAMES: ReadonlySet<string> = new Set([
  'CryptoError',
  'ManifestError',
  'KubeError',
  'ControllerError',
  'CliError',
  'SyncError',
]);

/** True for an error of one of gitseal's coded error classes, whose message is safe to print. */
export function isCodedError(error: unknown): error is Error {
  if (!(error instanceof Error) || !CODED_ERROR_NAMES.has(error.name)) return false;
  const { code, exitCode } = error as { code?: unknown; exitCode?: unknown };
  return typeof code === 'string' || (error.name === 'CliError' && typeof exitCode === 'number');
}

/** What to print for an error that is not one of ours: its class name only, never its message. */
export function unexpectedError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const name = /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(error.name) ? error.name : 'Error';
  return `unexpected ${name}`;
}
