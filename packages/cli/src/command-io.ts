/** Receives what a command prints on stdout; printed only once the command has fully succeeded. */
export type Output = (text: string) => void;

/** Lets a successful command end with another exit code (`diff --exit-code`: 1 when there are differences). */
export type SetExitCode = (code: number) => void;

/**
 * Receives one line for stderr that is not an error (which certificate `seal` used); printed, `gitseal: `
 * first, only once the command has succeeded: a failing command still prints its error line alone.
 */
export type Notice = (line: string) => void;

/** What a command's action may print, and how it may end: passed to each `add…Command`. */
export interface CommandIo {
  readonly output: Output;
  readonly setExitCode: SetExitCode;
  readonly notice: Notice;
}
