/** Whether a file should be read as JSON first: it opens with an object. */
export function looksLikeJson(text: string): boolean {
  return /^\s*\{/.test(text);
}

/** JSON.parse, or undefined when the text is not strict JSON (its error message may quote the input). */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Where a JSON text puts a key a second time in one object: line and column (1-based) of that key. */
export interface JsonPosition {
  readonly line: number;
  readonly column: number;
}

function positionOf(text: string, index: number): JsonPosition {
  const before = text.slice(0, index);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: index - lineStart + 1 };
}

/** The end (exclusive) of the string literal that opens at `start` (a `"`). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/**
 * The first key that appears twice in one object of a JSON text that JSON.parse accepted, or undefined. JSON.parse
 * keeps the last value silently (a `namespace` given twice became the second one); YAML refuses such a mapping, and
 * so do we. Keys are compared after unescaping (`"a"` and `"\u0061"` are the same key).
 */
export function findDuplicateJsonKey(text: string): JsonPosition | undefined {
  const stack: { keys: Set<string> | undefined; expectKey: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '{') stack.push({ keys: new Set(), expectKey: true });
    else if (c === '[') stack.push({ keys: undefined, expectKey: false });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',' && top?.keys) top.expectKey = true;
    else if (c === '"') {
      const end = stringEnd(text, i);
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, end)) as string;
        if (top.keys.has(key)) return positionOf(text, i);
        top.keys.add(key);
        top.expectKey = false;
      }
      i = end - 1;
    }
  }
  return undefined;
}
