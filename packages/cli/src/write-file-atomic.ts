import { randomBytes } from 'node:crypto';
// fs.promises, not node:fs/promises: the bundle then loads the promises API (and the readline it pulls in) on the
// first write, not when seal starts (docs/cli-startup.md).
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError, ExitCode } from './cli-error.js';
import { describeFsError } from './read-input.js';

export interface WriteOptions {
  /** File mode for a new file (default 0o644); the temp file is created with it, so it is never wider. */
  readonly mode?: number | undefined;
  /** Refuse to replace an existing file. */
  readonly exclusive?: boolean | undefined;
}

/** A file written and synced under a temp name beside its target, waiting to be put in place. */
export interface StagedFile {
  readonly path: string;
  /** Moves the temp file onto the target: rename (replacing), or link (refusing an existing file) when exclusive. */
  commit(): Promise<void>;
  /** Removes the temp file if it is still there. Never touches the target. */
  discard(): Promise<void>;
}

function cannotWrite(path: string, error: unknown): CliError {
  if (error instanceof CliError) return error;
  return new CliError(`${path}: cannot write: ${describeFsError(error)}`, ExitCode.User);
}

/** Writes content to a temp file in the target's directory (created 'wx' with the final mode) and fsyncs it. */
export async function stageFile(path: string, content: string, options: WriteOptions = {}): Promise<StagedFile> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let pending = false;
  const discard = async (): Promise<void> => {
    if (!pending) return;
    pending = false;
    await fs.unlink(temp).catch(() => undefined);
  };
  try {
    const handle = await fs.open(temp, 'wx', options.mode ?? 0o644);
    pending = true;
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await discard();
    throw cannotWrite(path, error);
  }
  const commit = async (): Promise<void> => {
    try {
      if (options.exclusive) {
        await linkExclusive(temp, path);
      } else {
        await fs.rename(temp, path);
      }
      pending = false;
    } catch (error) {
      await discard();
      throw cannotWrite(path, error);
    }
  };
  return { path, commit, discard };
}

/**
 * Writes a file all-or-nothing: a temp file in the same directory (created 'wx' with the final mode), fsync,
 * then rename over the target. On any failure the temp file is removed, so no partial file is left behind.
 */
export async function writeFileAtomic(path: string, content: string, options: WriteOptions = {}): Promise<void> {
  await (await stageFile(path, content, options)).commit();
}

/** rename() would replace an existing file; link() refuses with EEXIST, so "create only" stays race-free. */
async function linkExclusive(temp: string, path: string): Promise<void> {
  try {
    await fs.link(temp, path);
  } catch (error) {
    throw new CliError(`${path}: cannot write: ${describeFsError(error)}`);
  }
  await fs.unlink(temp).catch(() => undefined); // the target is in place; a stray temp name is harmless
}

/** The permission bits of an existing file, so that rewriting it in place keeps them; undefined if absent. */
export async function existingMode(path: string): Promise<number | undefined> {
  try {
    return (await fs.stat(path)).mode & 0o777;
  } catch {
    return undefined;
  }
}

/**
 * Rewrites several files in place, each keeping its mode: every new content is staged first, and only once all
 * are on disk are they renamed into place, so a failure while writing (a full disk) leaves every target untouched.
 */
export async function replaceFiles(
  files: readonly { readonly path: string; readonly content: string }[],
): Promise<void> {
  const staged: StagedFile[] = [];
  try {
    for (const file of files) {
      staged.push(await stageFile(file.path, file.content, { mode: (await existingMode(file.path)) ?? 0o644 }));
    }
    for (const file of staged) await file.commit();
  } catch (error) {
    await Promise.all(staged.map((file) => file.discard()));
    throw error;
  }
}
