import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitRef } from '@gitseal/manifests';
import { setUpGitAuth, type GitAuth } from './git-auth.js';
import { DEFAULT_GIT_MAX_BYTES, directoryBytes, mebibytes, treeBytes } from './git-cache-size.js';
import { gitEnvironment, runGit, type GitPolicy } from './git-command.js';
import { keyedLock } from './keyed-lock.js';
import { SyncError, SyncErrorCode } from './sync-error.js';
import { parseGitUrl, type GitUrl } from './git-url.js';
import {
  checkGitRef,
  lsRemotePatterns,
  parseLsRemote,
  resolveRef,
  type RemoteRefs,
  type ResolvedRef,
} from './ref-resolve.js';
import { pathExists } from './path-exists.js';

export interface GitSourceOptions extends GitPolicy {
  timeoutMs?: number;
  /** Sees every argument array handed to git (audits, tests). */
  onCommand?: (args: readonly string[]) => void;
}

export interface LsRemoteOptions extends GitSourceOptions {
  /** Narrows the listing (`refs/heads/main`); with none, all refs are listed. */
  patterns?: readonly string[];
  flags?: readonly string[];
}

export interface FetchRevisionInput extends GitSourceOptions {
  url: string;
  ref?: GitRef;
  auth?: GitAuth;
  /** Holds one bare repository per URL and the checkouts. */
  cacheDir: string;
  /** Largest fetched repository and checkout, in bytes; default 256 MiB (DEFAULT_GIT_MAX_BYTES). */
  maxBytes?: number;
  /** The ref as the caller already resolved it (one `ls-remote` saved); resolved here when absent. */
  resolved?: ResolvedRef;
}

/** A commit in the URL's cache repository, not yet checked out. */
export interface FetchedCommit {
  /** Flux-style: `main@sha1:<sha>`, `v1.2.3@sha1:<sha>`, `sha1:<sha>`. */
  readonly revision: string;
  readonly commit: string;
  /** The cache repository (bare) holding it. */
  readonly bare: string;
  /** `git ls-tree -r -t -l -z` of the commit: every file and folder with its object id, mode and size. */
  readonly listing: string;
  /** False when the commit was already in the cache and nothing was fetched. */
  readonly fetched: boolean;
}

export interface FetchedRevision {
  /** Flux-style: `main@sha1:<sha>`, `v1.2.3@sha1:<sha>`, `sha1:<sha>`. */
  readonly revision: string;
  readonly commit: string;
  /** A fresh directory with exactly that commit's tree; the caller removes it (removeCheckout). */
  readonly checkoutDir: string;
}

interface GitSession {
  readonly env: Record<string, string>;
  readonly secrets: readonly string[];
  readonly dir: string;
}

/** A private HOME and environment for git; with `url`, its credentials too (none for local plumbing). */
async function withSession<T>(
  url: GitUrl | undefined,
  auth: GitAuth | undefined,
  policy: GitPolicy,
  use: (session: GitSession) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'gitseal-git-'));
  try {
    const home = join(dir, 'home');
    await mkdir(home, { mode: 0o700 });
    const setup = url ? await setUpGitAuth(auth, url.transport, dir) : { config: [], env: {}, secrets: [] };
    const env = gitEnvironment({ ...policy, home, config: setup.config, env: setup.env });
    return await use({ env, secrets: setup.secrets, dir });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function lsRemoteArgs(url: GitUrl, options: LsRemoteOptions): string[] {
  return ['ls-remote', ...(options.flags ?? []), '--', url.url, ...(options.patterns ?? [])];
}

/** Lists the remote's refs (peeled), the cheap "did anything change?" check. */
export async function lsRemote(url: string, auth?: GitAuth, options: LsRemoteOptions = {}): Promise<RemoteRefs> {
  const parsed = parseGitUrl(url, options);
  return withSession(parsed, auth, options, async (session) => {
    const out = await runGit(lsRemoteArgs(parsed, options), {
      env: session.env,
      secrets: session.secrets,
      what: `ls-remote ${parsed.url}`,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.onCommand ? { onCommand: options.onCommand } : {}),
    });
    return parseLsRemote(out);
  });
}

/** Resolves a GitRef to a commit and revision with one filtered `ls-remote` (none for a pinned commit). */
export async function resolveRevision(input: Omit<FetchRevisionInput, 'cacheDir'>): Promise<ResolvedRef> {
  checkGitRef(input.ref);
  if (input.ref?.commit !== undefined) return resolveRef({ refs: [] }, input.ref);
  const { flags, patterns } = lsRemotePatterns(input.ref);
  const refs = await lsRemote(input.url, input.auth, { ...input, flags, patterns });
  return resolveRef(refs, input.ref);
}

/** The bare repository that caches one URL: `<cacheDir>/repos/<sha256(url)[:32]>.git`. */
export function cacheRepoPath(cacheDir: string, url: string): string {
  const key = createHash('sha256').update(url, 'utf8').digest('hex').slice(0, 32);
  return join(cacheDir, 'repos', `${key}.git`);
}

/** One fetch per cache repository at a time within this process. */
const withLock = keyedLock();

const FETCHED_REF = 'refs/gitseal/fetched';

export interface GitCall {
  readonly env: Record<string, string>;
  readonly secrets: readonly string[];
  readonly timeoutMs?: number;
  readonly onCommand?: (args: readonly string[]) => void;
}

function callOf(input: GitSourceOptions, session: GitSession): GitCall {
  return {
    env: session.env,
    secrets: session.secrets,
    ...(input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs }),
    ...(input.onCommand ? { onCommand: input.onCommand } : {}),
  };
}

/**
 * Commits this process fetched, by cache repository: not fetched again while it runs (a second GitSync of the same
 * repository, a render of the last applied revision). Objects of a fetched commit stay complete: git prunes
 * unreachable objects only after two weeks.
 */
const fetchedCommits = new Map<string, Set<string>>();

/**
 * Fetches the resolved ref into the URL's cache (shallow; only objects the cache lacks travel), unless the cache
 * already holds the resolved commit. Returns the commit that is now there.
 */
async function fetchIntoCache(
  input: FetchRevisionInput,
  url: GitUrl,
  resolved: ResolvedRef,
  session: GitSession,
): Promise<{ bare: string; commit: string; fetched: boolean }> {
  const bare = cacheRepoPath(input.cacheDir, url.url);
  const base = callOf(input, session);
  const present = await pathExists(join(bare, 'HEAD'));
  // A repository made afresh (the first fetch, or after it was removed) holds none of the commits seen before.
  const known = present ? fetchedCommits.get(bare) : undefined;
  if (known?.has(resolved.commit)) return { bare, commit: resolved.commit, fetched: false };
  if (!present) {
    await mkdir(join(input.cacheDir, 'repos'), { recursive: true, mode: 0o700 });
    await runGit(['init', '--bare', '--quiet', '--template=', '--', bare], { ...base, what: 'init cache' });
  }
  const gitDir = `--git-dir=${bare}`;
  await runGit(
    [
      gitDir,
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head',
      '--no-recurse-submodules',
      '--depth=1',
      '--',
      url.url,
      `+${resolved.fetch}:${FETCHED_REF}`,
    ],
    { ...base, what: `fetch ${url.url}` },
  );
  const commit = (
    await runGit([gitDir, 'rev-parse', '--verify', '--end-of-options', `${FETCHED_REF}^{commit}`], {
      ...base,
      what: 'rev-parse',
    })
  ).trim();
  fetchedCommits.set(bare, (known ?? new Set()).add(commit));
  return { bare, commit, fetched: true };
}

/** A fresh directory under `<cacheDir>/checkouts` with exactly `commit`'s tree. */
async function checkOutFresh(input: FetchRevisionInput, bare: string, commit: string, session: GitSession) {
  const checkouts = join(input.cacheDir, 'checkouts');
  await mkdir(checkouts, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(checkouts, `${commit.slice(0, 12)}-`));
  // A private index, and read-tree + checkout-index: plumbing that runs no hooks, filters or submodules.
  const env = { ...session.env, GIT_INDEX_FILE: join(session.dir, 'index') };
  const base = { ...callOf(input, session), env };
  try {
    await runGit([`--git-dir=${bare}`, `--work-tree=${dir}`, 'read-tree', '--end-of-options', commit], {
      ...base,
      what: 'read-tree',
    });
    await runGit([`--git-dir=${bare}`, `--work-tree=${dir}`, 'checkout-index', '--all', '--force'], {
      ...base,
      cwd: dir,
      what: 'checkout-index',
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return dir;
}

/**
 * Refuses a repository whose fetched objects, or the checkout of `commit`, exceed the limit. An oversized cache is
 * removed at once, so a huge repository costs its disk only while it is measured. Returns the tree's listing.
 */
async function checkSize(
  input: FetchRevisionInput,
  url: GitUrl,
  bare: string,
  commit: string,
  session: GitSession,
): Promise<string> {
  const max = input.maxBytes ?? DEFAULT_GIT_MAX_BYTES;
  const limit = `over the limit of ${mebibytes(max)} (the controller's --git-max-size)`;
  const fetched = await directoryBytes(bare);
  if (fetched > max) {
    fetchedCommits.delete(bare);
    await rm(bare, { recursive: true, force: true });
    throw new SyncError(
      SyncErrorCode.GitFailed,
      `fetch ${url.url}: the fetched repository is ${mebibytes(fetched)}, ${limit}`,
    );
  }
  const listing = await runGit([`--git-dir=${bare}`, 'ls-tree', '-r', '-t', '-l', '-z', '--end-of-options', commit], {
    env: session.env,
    secrets: session.secrets,
    maxOutputBytes: 64 * 1024 * 1024,
    ...(input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs }),
    what: 'ls-tree',
  });
  const tree = treeBytes(listing);
  if (tree > max) {
    throw new SyncError(
      SyncErrorCode.GitFailed,
      `fetch ${url.url}: a checkout of ${commit.slice(0, 12)} is ${mebibytes(tree)}, ${limit}`,
    );
  }
  return listing;
}

/**
 * Brings exactly the revision a GitRef names into the URL's cache (a shallow fetch of only what the cache lacks;
 * none when this process fetched that commit already) and checks its size. The credentials' session ends before this returns:
 * nothing of them is left for what reads the tree afterwards.
 */
export async function fetchCommit(input: FetchRevisionInput): Promise<FetchedCommit> {
  const url = parseGitUrl(input.url, input);
  checkGitRef(input.ref);
  const resolved = input.resolved ?? (await resolveRevision(input));
  return withSession(url, input.auth, input, async (session) => {
    const { bare, commit, fetched } = await withLock(cacheRepoPath(input.cacheDir, url.url), () =>
      fetchIntoCache(input, url, resolved, session),
    );
    // The ref may have moved between ls-remote and fetch: what was fetched is the truth, so relabel.
    const revision =
      commit === resolved.commit ? resolved.revision : resolved.revision.replace(resolved.commit, commit);
    const listing = await checkSize(input, url, bare, commit, session);
    return { revision, commit, bare, listing, fetched };
  });
}

/** Runs local git plumbing (checkouts) in a session of its own that holds no credentials. */
export function withLocalGit<T>(
  input: FetchRevisionInput,
  use: (call: GitCall & { readonly dir: string }) => Promise<T>,
): Promise<T> {
  return withSession(undefined, undefined, input, (session) => use({ ...callOf(input, session), dir: session.dir }));
}

/** Checks a fetched commit out into a fresh directory under `<cacheDir>/checkouts` (removeCheckout removes it). */
export async function checkOutCommit(input: FetchRevisionInput, fetched: FetchedCommit): Promise<string> {
  return withSession(undefined, undefined, input, (session) =>
    checkOutFresh(input, fetched.bare, fetched.commit, session),
  );
}

/**
 * Fetches exactly the revision a GitRef names into the URL's cache (shallow) and checks that commit out into a
 * fresh directory. No hooks run; credentials travel in env and 0600 files only.
 */
export async function fetchRevision(input: FetchRevisionInput): Promise<FetchedRevision> {
  const fetched = await fetchCommit(input);
  return { revision: fetched.revision, commit: fetched.commit, checkoutDir: await checkOutCommit(input, fetched) };
}

/** Removes a checkout made by fetchRevision. */
export async function removeCheckout(checkoutDir: string): Promise<void> {
  await rm(checkoutDir, { recursive: true, force: true });
}
