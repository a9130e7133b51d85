import { fstatSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { exitQuietlyOnClosedPipe } from './closed-pipe.js';

/** The file descriptor of stdout or stderr. */
export type StdFd = 1 | 2;

let streamsWatched = false;
/** Descriptors whose reader went away: later writes are dropped. */
const closed = new Set<StdFd>();
/** Descriptors that fell back to the stream once: they keep using it, so output stays in order. */
const streamed = new Set<StdFd>();

/**
 * process.stdout or process.stderr, with the closed-pipe rule (closed-pipe.ts) on both. Node creates these
 * streams on first use, and a pipe's is a net.Socket (~2–3 ms of module loading): short commands write through
 * {@link writeStd} instead and never create them; long-running ones (watches, the UI server) stream here.
 */
export function stdStream(fd: StdFd): NodeJS.WriteStream {
  if (!streamsWatched) {
    streamsWatched = true;
    exitQuietlyOnClosedPipe();
  }
  return fd === 1 ? process.stdout : process.stderr;
}

/**
 * Whether stdout or stderr is a terminal, without creating its stream. `node:tty` loads `net`, so a descriptor
 * that is no character device (a pipe, a file: most runs that are not interactive) is answered without it.
 */
export function isTerminal(fd: StdFd): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  const { isatty } = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
  return isatty(fd);
}

/**
 * Writes all of `text` to stdout or stderr before it returns. A reader that went away (EPIPE: `gitseal seal |
 * head -1`) ends the output quietly; a non-blocking descriptor that is full (EAGAIN) hands the rest to the stream.
 */
export function writeStd(fd: StdFd, text: string): void {
  if (text === '' || closed.has(fd)) return;
  if (streamed.has(fd)) {
    stdStream(fd).write(text);
    return;
  }
  let rest = Buffer.from(text, 'utf8');
  while (rest.length > 0) {
    let written: number;
    try {
      written = writeSync(fd, rest);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') {
        closed.add(fd);
        return;
      }
      if (code !== 'EAGAIN') throw error;
      streamed.add(fd);
      stdStream(fd).write(rest);
      return;
    }
    rest = rest.subarray(written);
  }
}
