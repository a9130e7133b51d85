import { createHash } from 'node:crypto';
import type { KubeObject } from '@gitseal/manifests';
import { canonicalJson } from './revision-digest.js';
import { SYNC_LABEL } from './sync-label.js';

/** Annotation on every applied object: the digest of the manifest gitseal applied (see appliedDigest). */
export const APPLIED_DIGEST_ANNOTATION = 'gitseal.dev/applied-digest';

/** What apply remembers about an object it wrote (or first saw unchanged): how to tell a later edit. */
export interface AppliedRecord {
  readonly digest: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
}

function withoutDigest(object: KubeObject): KubeObject {
  const annotations = { ...object.metadata?.annotations };
  delete annotations[APPLIED_DIGEST_ANNOTATION];
  const metadata = { ...object.metadata };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  return { ...object, metadata };
}

/** `sha256:<hex>` over the canonical JSON of the manifest, without the digest annotation itself. */
export function appliedDigest(object: KubeObject): string {
  const hash = createHash('sha256')
    .update(canonicalJson(withoutDigest(object)), 'utf8')
    .digest('hex');
  return `sha256:${hash}`;
}

/** The manifest as it is applied: with its own digest in the applied-digest annotation. */
export function withAppliedDigest(object: KubeObject): KubeObject {
  const metadata = object.metadata ?? {};
  return {
    ...object,
    metadata: {
      ...metadata,
      annotations: { ...metadata.annotations, [APPLIED_DIGEST_ANNOTATION]: appliedDigest(object) },
    },
  };
}

const generationOf = (object: KubeObject): number | undefined =>
  typeof object.metadata?.generation === 'number' ? object.metadata.generation : undefined;

/** The record to keep after an apply (or after trusting an unchanged live object). */
export function appliedRecord(digest: string, live: KubeObject): AppliedRecord {
  const generation = generationOf(live);
  const resourceVersion = live.metadata?.resourceVersion;
  return {
    digest,
    ...(resourceVersion === undefined ? {} : { resourceVersion }),
    ...(generation === undefined ? {} : { generation }),
  };
}

/**
 * True when applying `desired` (carrying its digest annotation) would change nothing: the live object carries
 * the same digest and sync label, and, when gitseal remembers its last write, nobody changed it since (same
 * generation for objects that have one, else the same resourceVersion). Without a record the annotation is
 * trusted, so a restarted controller makes no writes for an unchanged revision.
 */
export function isUnchanged(desired: KubeObject, live: KubeObject | undefined, record?: AppliedRecord): boolean {
  if (!live) return false;
  const digest = desired.metadata?.annotations?.[APPLIED_DIGEST_ANNOTATION];
  if (digest === undefined || live.metadata?.annotations?.[APPLIED_DIGEST_ANNOTATION] !== digest) return false;
  if (live.metadata?.labels?.[SYNC_LABEL] !== desired.metadata?.labels?.[SYNC_LABEL]) return false;
  if (!record) return true;
  if (record.digest !== digest) return false;
  const generation = generationOf(live);
  if (generation !== undefined && record.generation !== undefined) return generation === record.generation;
  return live.metadata?.resourceVersion === record.resourceVersion;
}
