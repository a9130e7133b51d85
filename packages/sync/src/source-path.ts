import { lstat, readdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { SyncError, SyncErrorCode } from './sync-error.js';
import { hasControlChars } from './control-chars.js';

function refuse(message: string): never {
  throw new SyncError(SyncErrorCode.InvalidPath, message);
}

/** `spec.source.path` normalised to `a/b` (`` for the root); absolute paths, `..` and control characters refused. */
export function normalizeSourcePath(path: string | undefined): string {
  if (path === undefined) return '';
  if (typeof path !== 'string' || hasControlChars(path)) refuse('source path contains control characters');
  if (isAbsolute(path) || path.startsWith('\\')) refuse(`source path ${JSON.stringify(path)} must be relative`);
  const parts = path.split(/[/\\]+/).filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) refuse(`source path ${JSON.stringify(path)} must not contain ".."`);
  if (parts.some((p) => p.startsWith('-')))
    refuse(`source path ${JSON.stringify(path)} must not start a part with "-"`);
  return parts.join('/');
}

export function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The real path of a link inside the checkout, or a RenderFailed error naming it when it leaves the checkout. */
export async function resolveInside(realRoot: string, path: string, shown: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    refuse(`${shown}: broken symlink or missing path`);
  }
  if (!isInside(realRoot, real)) refuse(`${shown}: symlink points outside the repository`);
  return real;
}

/** Refuses every symlink under `dir` that leaves the checkout (run before handing a tree to kustomize). */
export async function checkSymlinks(realRoot: string, dir: string, maxEntries = 100_000): Promise<void> {
  let seen = 0;
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      // Git's own directory is never read by kustomize (and is large in a developer's clone).
      if (current === realRoot && entry.name === '.git') continue;
      if (++seen > maxEntries) refuse(`repository has more than ${maxEntries} files`);
      const path = join(current, entry.name);
      const shown = relative(realRoot, path).split(sep).join('/');
      if (entry.isSymbolicLink()) await resolveInside(realRoot, path, shown);
      else if (entry.isDirectory()) await walk(path);
    }
  };
  await walk(dir);
}

/** Resolves `spec.source.path` in a checkout: must exist, be a directory, and stay inside after symlinks. */
export async function resolveSourceDir(
  checkoutDir: string,
  path: string | undefined,
): Promise<{
  realRoot: string;
  dir: string;
  relPath: string;
}> {
  const relPath = normalizeSourcePath(path);
  const realRoot = await realpath(checkoutDir);
  const dir = await resolveInside(realRoot, join(realRoot, relPath), relPath || '.');
  const stats = await lstat(dir);
  if (!stats.isDirectory()) refuse(`source path ${JSON.stringify(relPath)} is not a directory`);
  return { realRoot, dir, relPath };
}
