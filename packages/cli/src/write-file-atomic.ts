import { randomBytes } from 'node:crypto';
import { link, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliError, ExitCode } from './cli-error.js';
import { describeFsError } from './read-input.js';

export interface WriteOptions {
  /** File mode for a new file (default 0o644); the temp file is created with it, so it is never wider. */
  readonly mode?: number;
  /** Refuse to replace an existing file. */
  readonly exclusive?: boolean;
}

/**
 * Writes a file all-or-nothing: a temp file in the same directory (created 'wx' with the final mode), fsync,
 * then rename over the target. On any failure the temp file is removed, so no partial file is left behind.
 */
export async function writeFileAtomic(path: string, content: string, options: WriteOptions = {}): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let created = false;
  try {
    const handle = await open(temp, 'wx', options.mode ?? 0o644);
    created = true;
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.exclusive) {
      await linkExclusive(temp, path);
    } else {
      await rename(temp, path);
    }
    created = false;
  } catch (error) {
    if (error instanceof CliError) {
      throw error;
    }
    throw new CliError(`${path}: cannot write: ${describeFsError(error)}`, ExitCode.User);
  } finally {
    if (created) {
      await unlink(temp).catch(() => undefined);
    }
  }
}

/** rename() would replace an existing file; link() refuses with EEXIST, so "create only" stays race-free. */
async function linkExclusive(temp: string, path: string): Promise<void> {
  try {
    await link(temp, path);
  } catch (error) {
    throw new CliError(`${path}: cannot write: ${describeFsError(error)}`);
  }
  await unlink(temp);
}

/** The permission bits of an existing file, so that rewriting it in place keeps them; undefined if absent. */
export async function existingMode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return undefined;
  }
}
