/** Longest text a single cell or line of human output shows before it is cut with `…`. */
export const MAX_CELL_CHARS = 200;

/**
 * Text from the cluster made safe for a terminal: control characters (escape sequences, newlines) become spaces,
 * runs of whitespace one space, and overly long text is cut. Empty or missing text becomes `-`.
 */
export function printable(value: unknown, maxChars = MAX_CELL_CHARS): string {
  if (value === undefined || value === null) return '-';
  const text = String(value)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') return '-';
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}
