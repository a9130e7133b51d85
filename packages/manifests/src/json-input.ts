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
