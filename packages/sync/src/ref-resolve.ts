import type { GitRef } from '@gitseal/manifests';
import { maxSatisfyingTag, parseRange } from './semver-range.js';
import { SyncError, SyncErrorCode } from './sync-error.js';
import { hasControlChars } from './control-chars.js';

/** One advertised ref with the commit it points at (annotated tags already peeled). */
export interface RemoteRef {
  readonly name: string;
  readonly commit: string;
}

export interface RemoteRefs {
  /** The branch the remote's HEAD points at, when advertised (`ls-remote --symref`). */
  readonly head?: string;
  readonly refs: readonly RemoteRef[];
}

/** What a GitRef resolves to: the commit, what to fetch for it, and the Flux-style revision string. */
export interface ResolvedRef {
  readonly commit: string;
  /** The full ref name to fetch, or the commit itself when pinned by commit. */
  readonly fetch: string;
  /** `main@sha1:<sha>`, `v1.2.3@sha1:<sha>` or `sha1:<sha>`. */
  readonly revision: string;
}

const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const FORBIDDEN = /\.\.|@\{|[~^:?*[\\]|\/\/|\/\.|^\.|\.lock$|\/$|\.$|^@$/;

function refuse(what: string, value: string, why: string): never {
  throw new SyncError(SyncErrorCode.InvalidRef, `${what} ${JSON.stringify(value.slice(0, 80))}: ${why}`);
}

/** A branch or tag name as `git check-ref-format` would accept it, and never one that looks like an option. */
export function checkRefName(what: string, name: string): string {
  if (typeof name !== 'string' || name === '') refuse(what, String(name), 'empty');
  if (name.length > 255) refuse(what, name, 'longer than 255 characters');
  if (name.startsWith('-')) refuse(what, name, 'starts with "-"');
  if (hasControlChars(name) || name.includes(' ')) refuse(what, name, 'contains control characters or spaces');
  if (FORBIDDEN.test(name)) refuse(what, name, 'is not a valid ref name');
  return name;
}

/** Checks a GitRef's fields: at most one of branch/tag/semver, commit optionally with a branch. */
export function checkGitRef(ref: GitRef | undefined): void {
  if (!ref) return;
  const set = (['branch', 'tag', 'semver'] as const).filter((k) => ref[k] !== undefined);
  if (set.length > 1) refuse('ref', set.join('+'), 'set only one of branch, tag and semver');
  if (ref.commit !== undefined && (ref.tag !== undefined || ref.semver !== undefined)) {
    refuse('ref', 'commit', 'commit combines with a branch only');
  }
  if (ref.branch !== undefined) checkRefName('branch', ref.branch);
  if (ref.tag !== undefined) checkRefName('tag', ref.tag);
  if (ref.semver !== undefined) parseRange(ref.semver);
  if (ref.commit !== undefined && !COMMIT.test(ref.commit)) {
    refuse('commit', String(ref.commit), 'not a full lowercase hexadecimal commit id');
  }
}

/** The refs `ls-remote` needs to list for this GitRef (a cheap, filtered listing). */
export function lsRemotePatterns(ref: GitRef | undefined): { flags: string[]; patterns: string[] } {
  if (ref?.branch !== undefined) return { flags: ['--heads'], patterns: [`refs/heads/${ref.branch}`] };
  if (ref?.tag !== undefined) return { flags: ['--tags'], patterns: [`refs/tags/${ref.tag}`] };
  if (ref?.semver !== undefined) return { flags: ['--tags'], patterns: [] };
  return { flags: ['--symref'], patterns: ['HEAD'] };
}

/**
 * Reads `git ls-remote [--symref]` output. Peeled entries (`refs/tags/v1^{}`) replace their tag's object id,
 * so every ref maps to a commit.
 */
export function parseLsRemote(output: string): RemoteRefs {
  const byName = new Map<string, string>();
  let head: string | undefined;
  for (const line of output.split('\n')) {
    if (line === '') continue;
    const symref = /^ref: refs\/heads\/(\S+)\tHEAD$/.exec(line);
    if (symref) {
      head = symref[1];
      continue;
    }
    const m = /^([0-9a-f]{40}|[0-9a-f]{64})\t(\S+)$/.exec(line);
    if (!m || !m[1] || !m[2]) continue;
    const [sha, name] = [m[1], m[2]];
    if (name.endsWith('^{}')) byName.set(name.slice(0, -3), sha);
    else if (!byName.has(name)) byName.set(name, sha);
  }
  const refs = [...byName].map(([name, commit]) => ({ name, commit }));
  return head === undefined ? { refs } : { head, refs };
}

const revisionOf = (label: string | undefined, commit: string): string =>
  `${label === undefined ? '' : `${label}@`}${commit.length === 64 ? 'sha256' : 'sha1'}:${commit}`;

function find(refs: RemoteRefs, name: string, what: string, shown: string): RemoteRef {
  const found = refs.refs.find((r) => r.name === name);
  if (!found)
    throw new SyncError(SyncErrorCode.RefNotFound, `${what} ${JSON.stringify(shown)} not found on the remote`);
  return found;
}

/** Resolves a GitRef against the remote's refs (pure). A commit pins the revision without a lookup. */
export function resolveRef(refs: RemoteRefs, ref: GitRef | undefined): ResolvedRef {
  checkGitRef(ref);
  if (ref?.commit !== undefined) {
    return { commit: ref.commit, fetch: ref.commit, revision: revisionOf(ref.branch, ref.commit) };
  }
  if (ref?.branch !== undefined) {
    const found = find(refs, `refs/heads/${ref.branch}`, 'branch', ref.branch);
    return { commit: found.commit, fetch: found.name, revision: revisionOf(ref.branch, found.commit) };
  }
  if (ref?.tag !== undefined) {
    const found = find(refs, `refs/tags/${ref.tag}`, 'tag', ref.tag);
    return { commit: found.commit, fetch: found.name, revision: revisionOf(ref.tag, found.commit) };
  }
  if (ref?.semver !== undefined) {
    const tags = refs.refs.filter((r) => r.name.startsWith('refs/tags/')).map((r) => r.name.slice('refs/tags/'.length));
    const tag = maxSatisfyingTag(tags, ref.semver);
    if (tag === undefined) {
      throw new SyncError(SyncErrorCode.RefNotFound, `no tag matches semver range ${JSON.stringify(ref.semver)}`);
    }
    const found = find(refs, `refs/tags/${tag}`, 'tag', tag);
    return { commit: found.commit, fetch: found.name, revision: revisionOf(tag, found.commit) };
  }
  // No ref: the remote's default branch (HEAD), named after the branch HEAD points at when advertised.
  const found = find(refs, 'HEAD', 'ref', 'HEAD');
  const fetch = refs.head === undefined ? 'HEAD' : `refs/heads/${refs.head}`;
  return { commit: found.commit, fetch, revision: revisionOf(refs.head ?? 'HEAD', found.commit) };
}
