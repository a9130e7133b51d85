import { createHash } from 'node:crypto';
import { KUSTOMIZATION_FILES } from './kustomization-file.js';
import { normalizeSourcePath } from './source-path.js';

/** One entry of `git ls-tree -r -t -l -z`. */
export interface TreeEntry {
  readonly mode: string;
  readonly type: string;
  readonly oid: string;
  readonly path: string;
}

const SYMLINK = '120000';

/** Parses `git ls-tree -r -t -l -z` output (`<mode> SP <type> SP <oid> SP+ <size> TAB <path> NUL`). */
export function parseTreeListing(listing: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of listing.split('\0')) {
    const match = /^(\d+) (\w+) ([0-9a-f]+) +(?:\d+|-)\t([^]*)$/.exec(record);
    if (match?.[1] && match[2] && match[3] && match[4] !== undefined) {
      entries.push({ mode: match[1], type: match[2], oid: match[3], path: match[4] });
    }
  }
  return entries;
}

/**
 * What a render of `path` at a commit depends on, as a key: equal keys render to the same objects. Found from the
 * commit's tree listing alone (no checkout):
 * - a plain folder with no symbolic link below it: its own tree id (`git rev-parse <commit>:<path>`), so a commit
 *   elsewhere in the repository does not render again;
 * - a kustomization, or a folder with a link below it (both may read any file of the checkout): the whole tree;
 * - a Helm chart folder, or a path that is not a folder in Git: undefined, always rendered (chart dependencies come
 *   from outside the repository, and a missing path must fail as it does today).
 * The caller adds everything else a render depends on (URL, path, Helm settings) to its own key.
 */
export function renderInputsKey(listing: string, path: string | undefined): string | undefined {
  const relPath = normalizeSourcePath(path);
  const entries = parseTreeListing(listing);
  const prefix = relPath === '' ? '' : `${relPath}/`;
  const folder = relPath === '' ? undefined : entries.find((e) => e.path === relPath);
  if (relPath !== '' && folder?.type !== 'tree') return undefined;
  const below = entries.filter((e) => e.path.startsWith(prefix));
  const top = new Set(below.filter((e) => !e.path.slice(prefix.length).includes('/')).map((e) => e.path));
  if (top.has(`${prefix}Chart.yaml`)) return undefined;
  const kustomized = KUSTOMIZATION_FILES.some((name) => top.has(`${prefix}${name}`));
  if (kustomized || below.some((e) => e.mode === SYMLINK) || folder === undefined) {
    const whole = createHash('sha256').update(listing).digest('hex');
    return `v1:root:${whole}`;
  }
  return `v1:path:${relPath}:${folder.oid}`;
}
