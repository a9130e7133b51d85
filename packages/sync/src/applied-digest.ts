import { createHash } from 'node:crypto';
import type { KubeObject } from '@gitseal/manifests';
import { sameOwnedMetadata, type OwnedMetadata } from './owned-metadata.js';
import { canonicalJson } from '@gitseal/manifests';
import { SYNC_LABEL } from './sync-label.js';

/** Annotation on every applied object: the digest of the manifest gitseal applied (see appliedDigest). */
export const APPLIED_DIGEST_ANNOTATION = 'gitseal.dev/applied-digest';

/** What apply remembers about an object it wrote (or first saw unchanged): how to tell a later edit. */
export interface AppliedRecord {
  readonly digest: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  /** The labels and annotations gitseal set, with a digest of their values (generation misses their edits). */
  readonly owned?: OwnedMetadata;
  /** The spec.ignoreDifferences pointers in force for it (a rule change checks the object again). */
  readonly ignored?: string;
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

/** The manifest as it is applied: with its digest (default: its own) in the applied-digest annotation. */
export function withAppliedDigest(object: KubeObject, digest: string = appliedDigest(object)): KubeObject {
  const metadata = object.metadata ?? {};
  return {
    ...object,
    metadata: {
      ...metadata,
      annotations: { ...metadata.annotations, [APPLIED_DIGEST_ANNOTATION]: digest },
    },
  };
}

const generationOf = (object: KubeObject): number | undefined =>
  typeof object.metadata?.generation === 'number' ? object.metadata.generation : undefined;

/** The record to keep after an apply (or after trusting an unchanged live object). */
export function appliedRecord(digest: string, live: KubeObject, owned?: OwnedMetadata): AppliedRecord {
  const generation = generationOf(live);
  const resourceVersion = live.metadata?.resourceVersion;
  return {
    digest,
    ...(resourceVersion === undefined ? {} : { resourceVersion }),
    ...(generation === undefined ? {} : { generation }),
    ...(owned === undefined ? {} : { owned }),
  };
}

/** True when the live object carries the digest and sync label of `desired` (applied from the same manifest). */
export function carriesDigestOf(desired: KubeObject, live: KubeObject | undefined): boolean {
  const digest = desired.metadata?.annotations?.[APPLIED_DIGEST_ANNOTATION];
  if (!live || digest === undefined || live.metadata?.annotations?.[APPLIED_DIGEST_ANNOTATION] !== digest) {
    return false;
  }
  return live.metadata?.labels?.[SYNC_LABEL] === desired.metadata?.labels?.[SYNC_LABEL];
}

/**
 * True when applying `desired` (carrying its digest annotation) would change nothing, as far as gitseal's memory
 * of its last write tells: the live object carries the same digest and sync label, the labels and annotations
 * gitseal set keep their values, and nobody changed it since (same generation for objects that have one, else
 * the same resourceVersion). Without a record nothing is known: false (the caller verifies with a dry run, so
 * drift made while the controller was down is found after a restart).
 */
export function isUnchanged(desired: KubeObject, live: KubeObject | undefined, record?: AppliedRecord): boolean {
  if (!live || !record || !carriesDigestOf(desired, live)) return false;
  const digest = desired.metadata?.annotations?.[APPLIED_DIGEST_ANNOTATION];
  if (record.digest !== digest) return false;
  if (record.owned !== undefined && !sameOwnedMetadata(live, record.owned)) return false;
  const generation = generationOf(live);
  if (generation !== undefined && record.generation !== undefined) return generation === record.generation;
  return live.metadata?.resourceVersion === record.resourceVersion;
}
