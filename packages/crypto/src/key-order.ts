import type { HeldKey, PrivateKeyRing } from './key-ring.js';

/** The order in which v1 values (no key id) try held keys: the hinted key first, then newest first. */
export function orderKeysForTrial(keys: PrivateKeyRing, preferKeyId?: string): HeldKey[] {
  const preferred = preferKeyId === undefined ? undefined : keys.get(preferKeyId);
  return preferred ? [preferred, ...keys.keys.filter((k) => k !== preferred)] : [...keys.keys];
}
