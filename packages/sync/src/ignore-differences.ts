import type { IgnoreDifferencesRule, KubeObject } from '@gitseal/manifests';
import { APPLIED_DIGEST_ANNOTATION } from './applied-digest.js';
import { cloneJson, parseJsonPointer, replaceAt, valueAt, type JsonPointer } from './json-pointer.js';
import { groupOf } from './object-ref.js';
import { SSA_ANNOTATION } from './ssa-policy.js';
import { SYNC_LABEL } from './sync-label.js';

/** Labels and annotations gitseal relies on: a rule can never take them away from it. */
const OWN_KEYS: ReadonlySet<string> = new Set([SYNC_LABEL, APPLIED_DIGEST_ANNOTATION, SSA_ANNOTATION]);

/**
 * Whether a pointer may be honoured: not the object's identity (`/apiVersion`, `/kind`, `/metadata/name`, ...),
 * under `/metadata` only single labels and annotations, and never gitseal's own label and annotations.
 */
function honoured(pointer: JsonPointer): boolean {
  const [first, second, key] = pointer;
  if (first === 'apiVersion' || first === 'kind') return false;
  if (first !== 'metadata') return true;
  if (second !== 'labels' && second !== 'annotations') return false;
  return key !== undefined && pointer.length === 3 && !OWN_KEYS.has(key);
}

function matches(rule: IgnoreDifferencesRule, object: KubeObject): boolean {
  return (
    rule.kind === object.kind &&
    (rule.group === undefined || rule.group === groupOf(object.apiVersion)) &&
    (rule.name === undefined || rule.name === object.metadata?.name) &&
    (rule.namespace === undefined || rule.namespace === (object.metadata?.namespace ?? ''))
  );
}

/** The pointers of spec.ignoreDifferences that apply to `object` (parsed, honoured ones only, no duplicates). */
export function ignoredPointers(
  rules: readonly IgnoreDifferencesRule[] | undefined,
  object: KubeObject,
): JsonPointer[] {
  const seen = new Map<string, JsonPointer>();
  for (const rule of rules ?? []) {
    if (!matches(rule, object)) continue;
    for (const text of rule.jsonPointers) {
      const pointer = parseJsonPointer(text);
      if (pointer && honoured(pointer)) seen.set(JSON.stringify(pointer), pointer);
    }
  }
  return [...seen.values()].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

/**
 * The manifest to apply over an existing object (Argo CD's RespectIgnoreDifferences): each ignored field that
 * Git sets takes the live value instead (or is left out when the live object has none), so an apply never
 * changes it. Fields Git does not set are not added. A new object is created as Git says (use the manifest).
 */
export function withLiveValues(desired: KubeObject, live: KubeObject, pointers: readonly JsonPointer[]): KubeObject {
  if (pointers.length === 0) return desired;
  const copy = cloneJson(desired);
  // Deepest and highest array index first, so removing one item does not move the next one.
  for (const pointer of [...pointers].reverse()) {
    if (valueAt(copy, pointer) === undefined) continue;
    replaceAt(copy, pointer, cloneJson(valueAt(live, pointer)));
  }
  return copy;
}

/** `object` without the ignored fields: how two copies are compared when some fields are not gitseal's. */
export function withoutPointers(object: KubeObject, pointers: readonly JsonPointer[]): KubeObject {
  if (pointers.length === 0) return object;
  const copy = cloneJson(object);
  for (const pointer of [...pointers].reverse()) replaceAt(copy, pointer, undefined);
  return copy;
}

/** The pointers as text, for the applied record (changing the rules checks the object again). */
export function pointerText(pointers: readonly JsonPointer[]): string {
  return pointers.map((p) => `/${p.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`).join(',');
}
