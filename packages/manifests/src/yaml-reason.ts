/** Stands in for a fragment of the input (a tag, an alias or anchor name, a tag handle) in a YAML error reason. */
export const INPUT_PLACEHOLDER = '…';

const MAX_REASON_LENGTH = 200;

/**
 * js-yaml reasons quote pieces of the input: tag names (`unknown scalar tag !<!x>`), alias names
 * (`unidentified alias "x"`), tag handles, and the characters of a bad tag. A Secret value can sit in any of
 * them (`password: !hunter2`), so each quoted or interpolated fragment becomes a placeholder while the reason's
 * own words stay. Only the first line is kept, and it is capped in length.
 */
export function safeYamlReason(reason: string): string {
  const firstLine = reason.split('\n')[0]?.trim() ?? '';
  const safe = firstLine
    .replace(/!<[^>]*>?/g, `!<${INPUT_PLACEHOLDER}>`)
    .replace(/"[^"]*"?/g, `"${INPUT_PLACEHOLDER}"`)
    .replace(/'[^']*'?/g, `'${INPUT_PLACEHOLDER}'`)
    .replace(/(such characters):.*$/, `$1: ${INPUT_PLACEHOLDER}`)
    .replace(/(for tag) \S+/g, `$1 ${INPUT_PLACEHOLDER}`);
  if (safe === '') return 'syntax error';
  return safe.length > MAX_REASON_LENGTH ? `${safe.slice(0, MAX_REASON_LENGTH)}…` : safe;
}

/** 1-based line and column of a character offset, for messages that must not quote the text itself. */
export function positionOf(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `line ${line}, column ${column}`;
}
