import { ManifestError, ManifestErrorCode } from './errors.js';
import { isPlainObject } from './object-meta.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Deep-copies loaded YAML into plain JSON data: unshares aliased nodes (so editing one place cannot change
 * another), caps depth, and refuses what JSON cannot carry (.inf, .nan), as kubectl does.
 */
export function toJsonValue(value: unknown, maxDepth: number, where: string): JsonValue {
  const copy = (node: unknown, depth: number): JsonValue => {
    if (depth > maxDepth) {
      throw new ManifestError(ManifestErrorCode.TooDeep, `${where}: nesting deeper than ${maxDepth} levels`);
    }
    if (node === null || typeof node === 'string' || typeof node === 'boolean') return node;
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) {
        throw new ManifestError(ManifestErrorCode.InvalidObject, `${where}: .inf and .nan are not valid in JSON`);
      }
      return node;
    }
    if (Array.isArray(node)) return node.map((item) => copy(item, depth + 1));
    if (isPlainObject(node)) {
      const out: { [key: string]: JsonValue } = {};
      for (const [key, item] of Object.entries(node)) {
        Object.defineProperty(out, key, {
          value: copy(item, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    throw new ManifestError(ManifestErrorCode.InvalidObject, `${where}: value of unsupported type ${typeof node}`);
  };
  return copy(value, 0);
}
