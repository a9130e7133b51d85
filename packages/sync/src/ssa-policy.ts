import { describeObject } from '@gitseal/kube';
import type { KubeObject } from '@gitseal/manifests';
import type { RenderedObject } from './render.js';
import { SyncError, SyncErrorCode } from './sync-error.js';

/**
 * Per-object apply policy, set in Git as an annotation (Flux's `kustomize.toolkit.fluxcd.io/ssa`):
 * `Override` (default) applies and heals the object; `IfNotPresent` creates it when missing and never changes
 * an existing one; `Ignore` never applies it.
 */
export const SSA_ANNOTATION = 'gitseal.dev/ssa';

export const SsaPolicy = { Override: 'Override', IfNotPresent: 'IfNotPresent', Ignore: 'Ignore' } as const;
export type SsaPolicy = (typeof SsaPolicy)[keyof typeof SsaPolicy];

const POLICIES: ReadonlySet<string> = new Set(Object.values(SsaPolicy));

/** The object's policy; an unknown value counts as Override here (checkSsaPolicies refuses it first). */
export function ssaPolicyOf(object: KubeObject): SsaPolicy {
  const value = object.metadata?.annotations?.[SSA_ANNOTATION];
  return value !== undefined && POLICIES.has(value) ? (value as SsaPolicy) : SsaPolicy.Override;
}

/** Refuses a revision (InvalidManifest, naming the file and object) whose ssa annotation has an unknown value. */
export function checkSsaPolicies(objects: readonly RenderedObject[]): void {
  for (const { source, object } of objects) {
    const value = object.metadata?.annotations?.[SSA_ANNOTATION];
    if (value === undefined || POLICIES.has(value)) continue;
    throw new SyncError(
      SyncErrorCode.InvalidManifest,
      `${source}: ${describeObject(object)}: annotation ${SSA_ANNOTATION} must be one of ${[...POLICIES].join(', ')}`,
    );
  }
}
