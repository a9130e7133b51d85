import { createHash } from 'node:crypto';

/** Label on every object a GitSync applies; its value names the GitSync (see syncLabel). */
export const SYNC_LABEL = 'gitseal.dev/sync';
/** `"true"` lets prune delete Namespaces and PersistentVolumeClaims; `"false"` or `"disabled"` keeps any object. */
export const PRUNE_ANNOTATION = 'gitseal.dev/prune';

const MAX_LABEL_VALUE = 63;
const HASH_CHARS = 10;

/**
 * The sync label's value for a GitSync: `<namespace>.<name>`, or when that is longer than 63 characters a
 * prefix of it plus `-` and 10 hex characters of its SHA-256 (still unique, still a valid label value).
 */
export function syncLabel(gitSync: { metadata: { name: string; namespace?: string } }): string {
  const value = `${gitSync.metadata.namespace ?? 'default'}.${gitSync.metadata.name}`;
  if (value.length <= MAX_LABEL_VALUE) return value;
  const hash = createHash('sha256').update(value, 'utf8').digest('hex').slice(0, HASH_CHARS);
  const prefix = value.slice(0, MAX_LABEL_VALUE - HASH_CHARS - 1).replace(/[^A-Za-z0-9]+$/, '');
  return `${prefix}-${hash}`;
}
