/** How one field differs between the live object and what an apply would leave. */
export const FieldChangeKind = { Added: 'added', Removed: 'removed', Changed: 'changed' } as const;
export type FieldChangeKind = (typeof FieldChangeKind)[keyof typeof FieldChangeKind];

export interface FieldChange {
  /** `spec.replicas`, `metadata.labels["app.kubernetes.io/name"]`, `spec.containers[0].image`. */
  readonly path: string;
  readonly kind: FieldChangeKind;
  readonly before?: unknown;
  readonly after?: unknown;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function childPath(prefix: string, key: string): string {
  if (PLAIN_KEY.test(key)) return prefix === '' ? key : `${prefix}.${key}`;
  return `${prefix}[${JSON.stringify(key)}]`;
}

/**
 * Every leaf of a JSON value by path: scalars, and empty objects and arrays (so that `{}` → `{a: 1}` shows as a
 * change at the leaf). Paths are unique, and sorting them keeps an object's fields together.
 */
export function flattenFields(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (current: unknown, path: string): void => {
    if (Array.isArray(current) && current.length > 0) {
      current.forEach((item, index) => walk(item, `${path}[${index}]`));
    } else if (isRecord(current) && Object.keys(current).length > 0) {
      for (const [key, item] of Object.entries(current)) {
        if (item !== undefined) walk(item, childPath(path, key));
      }
    } else {
      out.set(path, current);
    }
  };
  walk(value, prefix);
  return out;
}

function sameLeaf(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Field-level differences from `before` to `after`, sorted by path. Arrays are compared index by index. */
export function diffFields(before: unknown, after: unknown): FieldChange[] {
  const left = flattenFields(before);
  const right = flattenFields(after);
  const paths = [...new Set([...left.keys(), ...right.keys()])].sort();
  const changes: FieldChange[] = [];
  for (const path of paths) {
    const inLeft = left.has(path);
    const inRight = right.has(path);
    if (inLeft && !inRight) changes.push({ path, kind: FieldChangeKind.Removed, before: left.get(path) });
    else if (!inLeft && inRight) changes.push({ path, kind: FieldChangeKind.Added, after: right.get(path) });
    else if (!sameLeaf(left.get(path), right.get(path))) {
      changes.push({ path, kind: FieldChangeKind.Changed, before: left.get(path), after: right.get(path) });
    }
  }
  return changes;
}
