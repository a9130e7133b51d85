import { createHash } from 'node:crypto';
import { canonicalJson, type KubeObject } from '@gitseal/manifests';
import { objectKey } from './object-ref.js';

/**
 * `sha256:<hex>` over the canonical JSON of the revision's objects sorted by identity: independent of file
 * layout and key order. Sealed values enter as ciphertext; no plaintext is involved.
 */
export function revisionDigest(objects: readonly (KubeObject | { object: KubeObject })[]): string {
  const items = objects
    .map((o) => ('apiVersion' in o ? o : o.object))
    .map((object) => ({ key: objectKey(object), json: canonicalJson(object) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.json < b.json ? -1 : a.json > b.json ? 1 : 0));
  const hash = createHash('sha256');
  for (const item of items) hash.update(item.json, 'utf8').update('\n');
  return `sha256:${hash.digest('hex')}`;
}
