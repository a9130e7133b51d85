import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { runGit } from './git-command.js';
import { cacheRepoPath, withLocalGit, type FetchedCommit, type FetchRevisionInput } from './git-source.js';
import { parseGitUrl } from './git-url.js';
import { keyedLock } from './keyed-lock.js';
import { SyncError, SyncErrorCode } from './sync-error.js';
import { pathExists } from './path-exists.js';

/** A persistent checkout, held until released. */
export interface Worktree {
  readonly dir: string;
  /**
   * Ends the use. `clean`: nothing but git wrote into it (plain and kustomize renders), so the next revision
   * updates it in place; otherwise (a chart's vendored dependencies, a failure half way) the next use starts afresh.
   */
  release(clean: boolean): Promise<void>;
}

const WORKSPACE = /^[0-9a-f]{16,64}$/;

/** `<cacheDir>/worktrees/<url key>/<workspace>`: removed with the URL's cache (removeUnusedGitCaches). */
export function worktreePath(cacheDir: string, url: string, workspace: string): string {
  if (!WORKSPACE.test(workspace)) throw new SyncError(SyncErrorCode.InvalidPath, 'invalid render workspace id');
  return join(cacheDir, 'worktrees', basename(cacheRepoPath(cacheDir, url), '.git'), workspace);
}

/** One use of a worktree at a time within this process. */
const withLock = keyedLock();

/**
 * Checks `fetched` out into the persistent worktree of `workspace` (one per GitSync), updating it in place: with
 * the worktree's own index, `git read-tree --reset -u` writes only the files that differ from the last checkout
 * and removes the ones that are gone. A worktree that was not released clean (a `.busy` marker left behind: a
 * crash half way, a chart render that wrote into it) is removed and checked out afresh. `use` runs while it is
 * held; it is released clean when `use` says so.
 */
export async function withWorktree<T>(
  input: FetchRevisionInput,
  workspace: string,
  fetched: FetchedCommit,
  use: (worktree: Worktree) => Promise<T>,
): Promise<T> {
  const url = parseGitUrl(input.url, input).url;
  const dir = worktreePath(input.cacheDir, url, workspace);
  return withLock(dir, async () => {
    const worktree = await openWorktree(input, dir, fetched);
    let released = false;
    try {
      return await use({
        dir,
        release: async (clean) => {
          released = true;
          await worktree.release(clean);
        },
      });
    } finally {
      if (!released) await worktree.release(false);
    }
  });
}

async function openWorktree(input: FetchRevisionInput, dir: string, fetched: FetchedCommit): Promise<Worktree> {
  const [index, busy] = [`${dir}.index`, `${dir}.busy`];
  const reusable = (await pathExists(index)) && (await pathExists(dir)) && !(await pathExists(busy));
  if (!reusable) await Promise.all([dir, index].map((p) => rm(p, { recursive: true, force: true })));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const owner = String(process.pid);
  await writeFile(busy, owner, { mode: 0o600 });
  try {
    await withLocalGit(input, (git) =>
      runGit(
        [
          `--git-dir=${fetched.bare}`,
          `--work-tree=${dir}`,
          'read-tree',
          '--reset',
          '-u',
          '--end-of-options',
          fetched.commit,
        ],
        { ...git, env: { ...git.env, GIT_INDEX_FILE: index }, cwd: dir, what: 'read-tree' },
      ),
    );
  } catch (error) {
    await Promise.all([dir, index, busy].map((p) => rm(p, { recursive: true, force: true })));
    throw error;
  }
  return {
    dir,
    release: async (clean) => {
      if (!clean) return;
      // Only this process's marker: a worker that was replaced may still be finishing with it.
      const holder = await readFile(busy, 'utf8').catch(() => undefined);
      if (holder === owner) await rm(busy, { force: true });
    },
  };
}
