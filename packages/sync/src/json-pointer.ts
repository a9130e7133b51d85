/** RFC 6901 JSON pointers over plain JSON data (manifests): parse, read, replace, remove. */

/** What a pointer may look like: `/a/b~1c/0` (each segment escaped with `~0` and `~1`). */
export const JSON_POINTER_PATTERN = /^(\/([^~/]|~[01])*)+$/;

export type JsonPointer = readonly string[];

/** The unescaped segments of a pointer, or undefined when it is not a valid non-root pointer. */
export function parseJsonPointer(pointer: string): JsonPointer | undefined {
  if (!JSON_POINTER_PATTERN.test(pointer)) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

const isContainer = (value: unknown): value is Container => value !== null && typeof value === 'object';

function childOf(parent: unknown, segment: string): unknown {
  if (Array.isArray(parent)) return /^(0|[1-9][0-9]*)$/.test(segment) ? parent[Number(segment)] : undefined;
  if (isContainer(parent) && Object.hasOwn(parent, segment)) return (parent as Record<string, unknown>)[segment];
  return undefined;
}

/** The value at `pointer`, or undefined when the path does not exist. */
export function valueAt(root: unknown, pointer: JsonPointer): unknown {
  let node = root;
  for (const segment of pointer) {
    node = childOf(node, segment);
    if (node === undefined) return undefined;
  }
  return node;
}

function parentOf(root: unknown, pointer: JsonPointer): Container | undefined {
  const parent = valueAt(root, pointer.slice(0, -1));
  return isContainer(parent) ? parent : undefined;
}

/**
 * Replaces (value defined) or removes (undefined) what `pointer` points at, in place. Only an existing path is
 * changed: no parent is created, so a pointer can never add structure the manifest did not have.
 */
export function replaceAt(root: unknown, pointer: JsonPointer, value: unknown): void {
  const parent = parentOf(root, pointer);
  const last = pointer.at(-1);
  if (parent === undefined || last === undefined || childOf(parent, last) === undefined) return;
  if (Array.isArray(parent)) {
    if (value === undefined) parent.splice(Number(last), 1);
    else parent[Number(last)] = value;
  } else if (value === undefined) delete parent[last];
  else parent[last] = value;
}

/** A deep copy of JSON data. */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}
