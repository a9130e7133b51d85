import { isTerminal, stdStream } from './std-output.js';

/** Where progress goes: stderr, or anything shaped like it (tests pass their own). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): boolean;
}

/** A one-line progress report that rewrites itself in place on a terminal and prints nothing elsewhere. */
export interface Progress {
  /** Shows `text` (cut to the terminal's width); at most every `intervalMs`, unless `force`. */
  update(text: string, force?: boolean): void;
  /** Erases the line, so the command's own output and errors follow on a clean line. */
  done(): void;
}

const SILENT: Progress = { update: () => undefined, done: () => undefined };

/** Carriage return, the text, then erase to the end of the line (no colour, so NO_COLOR has nothing to turn off). */
const ERASE_LINE = '\u001b[K';

/**
 * Progress on `stream` when it is a terminal (and TERM is not `dumb`): a pipe, a file or CI logs get nothing.
 * Updates are throttled to one per `intervalMs` so a fast loop costs no terminal writes.
 */
export function progressOn(
  on?: ProgressStream,
  env: NodeJS.ProcessEnv = process.env,
  intervalMs = 100,
  clock: () => number = Date.now,
): Progress {
  // stderr's stream is made only for a terminal: off one, a short command never creates it (std-output.ts).
  const stream = on ?? (isTerminal(2) ? stdStream(2) : undefined);
  if (stream?.isTTY !== true || env['TERM'] === 'dumb') return SILENT;
  let shown = false;
  let last = -Infinity;
  return {
    update(text, force = false) {
      const now = clock();
      if (!force && now - last < intervalMs) return;
      last = now;
      const width = Math.max(10, (stream.columns ?? 80) - 1);
      const chars = [...text];
      const line = chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : text;
      stream.write(`\r${line}${ERASE_LINE}`);
      shown = true;
    },
    done() {
      if (shown) stream.write(`\r${ERASE_LINE}`);
      shown = false;
    },
  };
}

/** Runs `work` with progress on stderr, and always erases the line after it (success or error). */
export async function withProgress<T>(work: (progress: Progress) => Promise<T>, progress = progressOn()): Promise<T> {
  try {
    return await work(progress);
  } finally {
    progress.done();
  }
}
