import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRepoPath } from './git-source.js';

/**
 * Removes the cached repositories of `cacheDir` that no URL in `inUse` maps to (a GitSync deleted, or moved to
 * another URL). Returns the removed repositories' names.
 */
export async function removeUnusedGitCaches(cacheDir: string, inUse: Iterable<string>): Promise<string[]> {
  const keep = new Set([...inUse].map((url) => cacheRepoPath(cacheDir, url)));
  const repos = join(cacheDir, 'repos');
  let names: string[];
  try {
    names = await readdir(repos);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const path = join(repos, name);
    if (!name.endsWith('.git') || keep.has(path)) continue;
    await rm(path, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
