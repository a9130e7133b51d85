import { createHash } from 'node:crypto';

/** What happened to one key of a Secret's data or a SealedSecret's encryptedData. Never carries a value. */
export const KeyChange = {
  Added: 'added',
  Removed: 'removed',
  /** Secret: the decoded values' SHA-256 differ. */
  Changed: 'changed',
  /** SealedSecret: the ciphertext differs; sealing is randomised, so the plaintext may or may not have changed. */
  Resealed: 'resealed',
  Unchanged: 'unchanged',
} as const;
export type KeyChange = (typeof KeyChange)[keyof typeof KeyChange];

export interface KeyDiff {
  readonly key: string;
  readonly change: KeyChange;
}

type StringMap = Readonly<Record<string, unknown>> | undefined;

function digestOfBase64(value: unknown): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.alloc(0);
  return createHash('sha256').update(bytes).digest('hex');
}

function diffKeys(before: StringMap, after: StringMap, same: (a: unknown, b: unknown) => boolean, changed: KeyChange) {
  const left = before ?? {};
  const right = after ?? {};
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  return keys.map((key): KeyDiff => {
    if (!(key in right)) return { key, change: KeyChange.Removed };
    if (!(key in left)) return { key, change: KeyChange.Added };
    return { key, change: same(left[key], right[key]) ? KeyChange.Unchanged : changed };
  });
}

/** Secret `data` (base64) key by key, comparing the SHA-256 of the decoded bytes: `changed` or `unchanged`. */
export function diffSecretData(before: StringMap, after: StringMap): KeyDiff[] {
  return diffKeys(before, after, (a, b) => digestOfBase64(a) === digestOfBase64(b), KeyChange.Changed);
}

/**
 * SealedSecret `encryptedData` key by key: identical ciphertext is `unchanged`; any other ciphertext is
 * `resealed`, since without the private key nothing can tell whether the plaintext changed.
 */
export function diffEncryptedData(before: StringMap, after: StringMap): KeyDiff[] {
  return diffKeys(before, after, (a, b) => typeof a === 'string' && a === b, KeyChange.Resealed);
}
