import type { EventEmitter } from 'node:events';

/**
 * Ends the process quietly when whoever reads stdout or stderr goes away (`gitseal seal | head -1`): no stack
 * trace, no message, and the exit code the command already chose (process.exitCode). Node ignores SIGPIPE, so
 * without this the write fails with an unhandled EPIPE error. Any other stream error is re-thrown as before.
 */
export function exitQuietlyOnClosedPipe(
  streams: readonly EventEmitter[] = [process.stdout, process.stderr],
  exit: () => void = () => process.exit(),
): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      exit();
    });
  }
}
