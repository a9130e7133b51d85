import { readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { cacheRepoPath } from './git-source.js';

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/**
 * Removes the cached repositories of `cacheDir` that no URL in `inUse` maps to (a GitSync deleted, or moved to
 * another URL), and the render worktrees of those URLs. Returns the removed repositories' names.
 */
export async function removeUnusedGitCaches(cacheDir: string, inUse: Iterable<string>): Promise<string[]> {
  const keep = new Set([...inUse].map((url) => basename(cacheRepoPath(cacheDir, url), '.git')));
  const repos = join(cacheDir, 'repos');
  const removed: string[] = [];
  for (const name of await names(repos)) {
    if (!name.endsWith('.git') || keep.has(name.slice(0, -'.git'.length))) continue;
    await rm(join(repos, name), { recursive: true, force: true });
    removed.push(name);
  }
  const worktrees = join(cacheDir, 'worktrees');
  for (const name of await names(worktrees)) {
    if (!keep.has(name)) await rm(join(worktrees, name), { recursive: true, force: true });
  }
  return removed;
}
