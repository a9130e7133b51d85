const isControl = (code: number): boolean => code < 0x20 || code === 0x7f;

/** True when the text holds C0 control characters or DEL (newlines, NUL, escapes…). */
export function hasControlChars(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) return true;
  return false;
}

/** Replaces control characters with spaces, for one-line messages. */
export function stripControlChars(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += isControl(text.charCodeAt(i)) ? ' ' : text[i];
  return out;
}
