import { createHash } from 'node:crypto';
import type { KubeObject } from '@gitseal/manifests';
import type { JsonPointer } from './json-pointer.js';
import { canonicalJson } from '@gitseal/manifests';

/**
 * Never held or hashed, even when Git sets it: kubectl's copy of a whole manifest (a Secret's holds its data).
 */
const NEVER_HELD: ReadonlySet<string> = new Set(['kubectl.kubernetes.io/last-applied-configuration']);

/**
 * The labels and annotations gitseal sets on an object (their keys, from Git), and a digest of their values on
 * the object as stored. A hand edit of one of them changes the digest even where it leaves `generation` alone.
 * Values of other labels and annotations are never read.
 */
export interface OwnedMetadata {
  readonly labels: readonly string[];
  readonly annotations: readonly string[];
  readonly digest: string;
}

type Meta = { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } };

function keysOf(map: Record<string, string> | undefined, skip: ReadonlySet<string>): string[] {
  return Object.keys(map ?? {})
    .filter((k) => !NEVER_HELD.has(k) && !skip.has(k))
    .sort();
}

function ignoredKeys(pointers: readonly JsonPointer[], field: 'labels' | 'annotations'): Set<string> {
  return new Set(
    pointers.filter((p) => p.length === 3 && p[0] === 'metadata' && p[1] === field).map((p) => p[2] as string),
  );
}

function pairs(map: Record<string, string> | undefined, keys: readonly string[]): [string, string | null][] {
  return keys.map((k) => [k, map !== undefined && Object.hasOwn(map, k) ? (map[k] ?? null) : null]);
}

/** `sha256:<hex>` over the values of exactly these keys on `object` (absent ones count as null). */
export function ownedMetadataDigest(object: Meta, keys: Pick<OwnedMetadata, 'labels' | 'annotations'>): string {
  const owned = {
    labels: pairs(object.metadata?.labels, keys.labels),
    annotations: pairs(object.metadata?.annotations, keys.annotations),
  };
  return `sha256:${createHash('sha256').update(canonicalJson(owned), 'utf8').digest('hex')}`;
}

/** The keys `desired` sets (minus ignored ones), with the digest of their values on `stored`. */
export function ownedMetadata(desired: KubeObject, stored: Meta, ignored: readonly JsonPointer[] = []): OwnedMetadata {
  const keys = {
    labels: keysOf(desired.metadata?.labels, ignoredKeys(ignored, 'labels')),
    annotations: keysOf(desired.metadata?.annotations, ignoredKeys(ignored, 'annotations')),
  };
  return { ...keys, digest: ownedMetadataDigest(stored, keys) };
}

/** True when the owned labels and annotations of `live` still have the values gitseal left. */
export function sameOwnedMetadata(live: Meta, owned: OwnedMetadata): boolean {
  return ownedMetadataDigest(live, owned) === owned.digest;
}

/** Only the owned labels and annotations of `metadata` (for caches that must not hold the others). */
export function pickOwnedMetadata(
  metadata: Meta['metadata'],
  owned: Pick<OwnedMetadata, 'labels' | 'annotations'>,
): { labels?: Record<string, string>; annotations?: Record<string, string> } {
  const take = (map: Record<string, string> | undefined, keys: readonly string[]) => {
    const out: Record<string, string> = {};
    for (const k of keys) {
      if (!NEVER_HELD.has(k) && map !== undefined && Object.hasOwn(map, k) && map[k] !== undefined) out[k] = map[k];
    }
    return out;
  };
  const labels = take(metadata?.labels, owned.labels);
  const annotations = take(metadata?.annotations, owned.annotations);
  return {
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}
