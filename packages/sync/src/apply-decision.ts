import type { IgnoreDifferencesRule, KubeObject } from '@gitseal/manifests';
import {
  appliedDigest,
  appliedRecord,
  carriesDigestOf,
  isUnchanged,
  withAppliedDigest,
  type AppliedRecord,
} from './applied-digest.js';
import { ignoredPointers, pointerText, withLiveValues, withoutPointers } from './ignore-differences.js';
import type { JsonPointer } from './json-pointer.js';
import { ownedMetadata } from './owned-metadata.js';
import { canonicalJson } from '@gitseal/manifests';
import { ssaPolicyOf, SsaPolicy } from './ssa-policy.js';

export interface ApplyDecisionInput {
  /** The planned manifest (labelled, without the digest annotation). */
  readonly object: KubeObject;
  /** Its live copy carrying this GitSync's sync label, if any. */
  readonly live: KubeObject | undefined;
  /** What gitseal remembers of its last write (none after a restart). */
  readonly record: AppliedRecord | undefined;
  readonly ignoreDifferences?: readonly IgnoreDifferencesRule[] | undefined;
  /** Whether the object exists at all, labelled or not (asked for `ssa: IfNotPresent` only). */
  readonly exists: () => Promise<boolean>;
  /**
   * A server-side dry-run apply. Used when gitseal cannot tell from memory that the live object is as it left
   * it: equal to the live object means nothing to do, so a restart writes nothing for untouched objects.
   */
  readonly dryRun?: ((object: KubeObject) => Promise<KubeObject>) | undefined;
  /** A dry run of `object` exactly as planned, already made (used instead of `dryRun` when no field is ignored). */
  readonly dryRunResult?: KubeObject | undefined;
}

export type ApplyDecision =
  | { readonly kind: 'skip'; readonly record?: AppliedRecord }
  | {
      readonly kind: 'apply';
      /** The manifest to send: with its digest, ignored fields holding their live values. */
      readonly object: KubeObject;
      readonly recordOf: (stored: KubeObject) => AppliedRecord;
    };

/** Server-owned metadata that differs between a dry run and a stored object without meaning a change. */
const VOLATILE = ['managedFields', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp'];

/** Plain JSON of an object for comparison: no status, no volatile metadata, no ignored fields. */
function comparable(object: KubeObject, pointers: readonly JsonPointer[]): string {
  const copy = JSON.parse(JSON.stringify(withoutPointers(object, pointers))) as Record<string, unknown> & {
    metadata?: Record<string, unknown>;
  };
  delete copy['status'];
  for (const field of VOLATILE) delete copy.metadata?.[field];
  return canonicalJson(copy);
}

/** True when a dry-run result shows that applying would change nothing gitseal cares about. */
export function sameAsLive(dryRun: KubeObject, live: KubeObject, pointers: readonly JsonPointer[] = []): boolean {
  return comparable(dryRun, pointers) === comparable(live, pointers);
}

/**
 * Whether and what to apply for one planned object:
 * - `ssa: Ignore`: never; `ssa: IfNotPresent`: only when the object does not exist at all;
 * - a missing object is created as Git says (ignored fields included);
 * - an existing one is skipped when gitseal's record shows nobody touched it, or (no record, or touched) when a
 *   dry run of the apply equals the live object; otherwise it is applied with ignored fields at their live values.
 */
export async function decideApply(input: ApplyDecisionInput): Promise<ApplyDecision> {
  const { object, live } = input;
  const policy = ssaPolicyOf(object);
  if (policy === SsaPolicy.Ignore) return { kind: 'skip' };
  if (policy === SsaPolicy.IfNotPresent && (live !== undefined || (await input.exists()))) return { kind: 'skip' };
  const pointers = ignoredPointers(input.ignoreDifferences, object);
  const ignored = pointerText(pointers);
  // The digest is Git's alone (what `gitseal diff` computes too); the ignored fields live in the record.
  const digest = appliedDigest(object);
  const desired = withAppliedDigest(live ? withLiveValues(object, live, pointers) : object, digest);
  const recordOf = (stored: KubeObject): AppliedRecord => ({
    ...appliedRecord(digest, stored, ownedMetadata(desired, stored, pointers)),
    ...(ignored ? { ignored } : {}),
  });
  const apply: ApplyDecision = { kind: 'apply', object: desired, recordOf };
  if (!live) return apply;
  const sameRules = (input.record?.ignored ?? '') === ignored;
  if (sameRules && isUnchanged(desired, live, input.record)) return { kind: 'skip' };
  // Applied from this very manifest before, but maybe changed since: let the API server say what an apply does.
  if (input.dryRun && carriesDigestOf(desired, live)) {
    const made = pointers.length === 0 ? input.dryRunResult : undefined;
    const result = made ?? (await input.dryRun(desired).catch(() => undefined));
    if (result && sameAsLive(result, live, pointers)) return { kind: 'skip', record: recordOf(live) };
  }
  return apply;
}

/**
 * Whether applying the object would write, from what is known without a request (gitseal's record, a dry run
 * already made): the same test decideApply makes. Used to tell whether a sync wave has anything to do.
 */
export function wouldWrite(
  input: Pick<ApplyDecisionInput, 'object' | 'live' | 'record' | 'ignoreDifferences' | 'dryRunResult'>,
): boolean {
  const { object, live } = input;
  const policy = ssaPolicyOf(object);
  if (policy === SsaPolicy.Ignore || (policy === SsaPolicy.IfNotPresent && live)) return false;
  if (!live) return true;
  const pointers = ignoredPointers(input.ignoreDifferences, object);
  const desired = withAppliedDigest(object, appliedDigest(object));
  if ((input.record?.ignored ?? '') === pointerText(pointers) && isUnchanged(desired, live, input.record)) {
    return false;
  }
  const made = input.dryRunResult;
  return !(made && carriesDigestOf(desired, live) && sameAsLive(made, live, pointers));
}
