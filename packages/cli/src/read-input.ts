import { closeSync, openSync, readSync } from 'node:fs';
import { CliError } from './cli-error.js';

/** Upper bound for any one input (manifest file, stdin, key file, certificate). */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;

export interface Input {
  /** What to call the input in messages: the file path, or "stdin". */
  readonly source: string;
  readonly text: string;
}

/** A short, fixed description of a file-system error (never the error's own message, which can be long). */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent is not a directory';
    case 'EEXIST':
      return 'already exists';
    default:
      return typeof code === 'string' ? code : 'unreadable';
  }
}

function tooLarge(source: string, maxBytes: number): CliError {
  return new CliError(`${source}: input is larger than ${maxBytes} bytes`);
}

function decodeUtf8(source: string, bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new CliError(`${source}: not UTF-8 text`);
  }
}

/**
 * Reads from fd until end of file into chunks, refusing more than maxBytes (checked while reading). Synchronous on
 * purpose: these are a CLI's whole-file reads, and the first asynchronous read costs a short-lived command ~4 ms
 * (libuv's thread pool and stream set-up; docs/cli-startup.md).
 */
function readToEnd(fd: number, source: string, maxBytes: number, chunks: Buffer[]): void {
  let total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  for (;;) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    const bytesRead = readSync(fd, chunk, 0, chunk.length, null);
    if (bytesRead === 0) {
      return;
    }
    total += bytesRead;
    if (total > maxBytes) {
      throw tooLarge(source, maxBytes);
    }
    chunks.push(chunk.subarray(0, bytesRead));
  }
}

/** Reads a whole file, refusing more than maxBytes (checked while reading, not trusted from stat). */
export async function readFileBytesCapped(path: string, maxBytes = MAX_INPUT_BYTES): Promise<Buffer> {
  let fd;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new CliError(`${path}: cannot read: ${describeFsError(error)}`);
  }
  try {
    const chunks: Buffer[] = [];
    readToEnd(fd, path, maxBytes, chunks);
    return Buffer.concat(chunks);
  } catch (error) {
    if (error instanceof CliError) {
      throw error;
    }
    throw new CliError(`${path}: cannot read: ${describeFsError(error)}`);
  } finally {
    closeSync(fd);
  }
}

/** Reads a whole file as UTF-8 text, refusing more than maxBytes. */
export async function readFileCapped(path: string, maxBytes = MAX_INPUT_BYTES): Promise<Input> {
  return { source: path, text: decodeUtf8(path, await readFileBytesCapped(path, maxBytes)) };
}

/**
 * Reads stdin to the end as bytes, refusing more than maxBytes. Synchronously while fd 0 allows it (a file, a
 * blocking pipe, a terminal); from where a read fails (EAGAIN on a non-blocking pipe, …) through process.stdin.
 */
export async function readStdinBytesCapped(maxBytes = MAX_INPUT_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    readToEnd(0, 'stdin', maxBytes, chunks);
    return Buffer.concat(chunks);
  } catch (error) {
    if (error instanceof CliError) {
      throw error;
    }
  }
  let total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  for await (const chunk of process.stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buf.length;
    if (total > maxBytes) {
      process.stdin.destroy();
      throw tooLarge('stdin', maxBytes);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Reads stdin to the end, refusing more than maxBytes. */
export async function readStdinCapped(maxBytes = MAX_INPUT_BYTES): Promise<Input> {
  return { source: 'stdin', text: decodeUtf8('stdin', await readStdinBytesCapped(maxBytes)) };
}

/** `-f FILE` (or `-f -`) or stdin. */
export async function readInput(file: string | undefined, maxBytes = MAX_INPUT_BYTES): Promise<Input> {
  return file === undefined || file === '-' ? readStdinCapped(maxBytes) : readFileCapped(file, maxBytes);
}
