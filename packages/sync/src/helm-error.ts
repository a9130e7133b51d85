import { stripControlChars } from './control-chars.js';

/** Value strings shorter than this are not scrubbed from messages (they would mangle ordinary words). */
const MIN_SCRUBBED_LENGTH = 4;
const MAX_MESSAGE_LENGTH = 400;

/** Every string and number of a values tree (keys excluded), for scrubbing them out of helm's messages. */
export function valueStrings(values: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof values === 'string' || typeof values === 'number') {
    const text = String(values);
    if (text.length >= MIN_SCRUBBED_LENGTH) out.add(text);
  } else if (Array.isArray(values)) {
    for (const item of values) valueStrings(item, out);
  } else if (values !== null && typeof values === 'object') {
    for (const item of Object.values(values)) valueStrings(item, out);
  }
  return out;
}

/** `text` with each of `secrets` (longest first, so one inside another is still covered) replaced by `***`. */
export function scrub(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
  return out;
}

/**
 * One line from helm's stderr: its `Error:` line (the template file, line and helm's reason), with every value
 * string scrubbed out (a `fail` or `required` message may quote values) and control characters removed.
 */
export function describeHelmError(stderr: string, values: Iterable<string>): string {
  const lines = stderr.split('\n').map((line) => line.trim());
  const error = lines.find((line) => line.startsWith('Error:')) ?? lines.reverse().find((line) => line !== '');
  if (error === undefined) return 'failed without a message';
  const flat = stripControlChars(scrub(error.replace(/^Error:\s*/, ''), values));
  return flat.length > MAX_MESSAGE_LENGTH ? `${flat.slice(0, MAX_MESSAGE_LENGTH)}…` : flat;
}
