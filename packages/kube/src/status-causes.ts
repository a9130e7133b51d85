/**
 * The safe part of a Kubernetes `Status.details.causes` list: field paths and cause types, and the detail text only
 * when it is one of a few fixed phrases. The API server's cause messages quote the rejected value
 * (`Invalid value: "…": field is immutable`), so the message itself is never shown.
 */
export interface StatusCause {
  /** The field path, e.g. `spec.template` or `metadata.labels[app]`. */
  readonly field: string;
  /** A fixed phrase for the cause type (`invalid value`, `required value`, …). */
  readonly phrase: string;
}

const CAUSE_PHRASES: Readonly<Record<string, string>> = {
  FieldValueRequired: 'required value',
  FieldValueInvalid: 'invalid value',
  FieldValueNotSupported: 'unsupported value',
  FieldValueDuplicate: 'duplicate value',
  FieldValueForbidden: 'forbidden',
  FieldValueTooLong: 'too long',
  FieldValueTooMany: 'too many items',
  FieldValueTypeInvalid: 'wrong type',
  FieldValueNotFound: 'not found',
  FieldManagerConflict: 'conflict with another field manager',
  FieldValueInternal: 'internal error',
  UnexpectedServerResponse: 'unexpected server response',
};

/** Detail phrases the API server appends after the value; shown instead of the cause type when present. */
const SAFE_DETAILS: readonly RegExp[] = [
  /: (field is immutable)$/,
  /: (field is immutable except [\w.,' -]{1,200})$/,
  /: (may not be changed)$/,
  /: (must be no more than \d+ (?:characters|bytes))$/,
  /: (a lowercase RFC 1123 (?:label|subdomain) must consist of [^"\n]{1,300})$/,
  /: (must be greater than or equal to \d+)$/,
  /: (must be less than or equal to \d+)$/,
  /(unknown field "[\w.-]{1,128}")$/,
];

const FIELD_PATTERN = /^[\w.[\]/:@~-]{1,256}$/;
export const MAX_CAUSES = 5;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function detailOf(message: unknown): string | undefined {
  if (typeof message !== 'string' || message.length > 2_000 || /[\n\r]/.test(message)) return undefined;
  for (const shape of SAFE_DETAILS) {
    const match = shape.exec(message);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}

/** Reads `details.causes` of a Status body into safe causes (at most {@link MAX_CAUSES}, duplicates dropped). */
export function statusCauses(status: Record<string, unknown>): StatusCause[] {
  const details = status['details'];
  const list = isRecord(details) && Array.isArray(details['causes']) ? details['causes'] : [];
  const out: StatusCause[] = [];
  const seen = new Set<string>();
  for (const cause of list) {
    if (!isRecord(cause)) continue;
    const field = typeof cause['field'] === 'string' && FIELD_PATTERN.test(cause['field']) ? cause['field'] : '';
    const type = typeof cause['reason'] === 'string' ? CAUSE_PHRASES[cause['reason']] : undefined;
    const phrase = detailOf(cause['message']) ?? type;
    if (phrase === undefined) continue;
    const key = `${field}\u0000${phrase}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ field, phrase });
    if (out.length === MAX_CAUSES) break;
  }
  return out;
}

/** `spec.selector: field is immutable; spec.replicas: invalid value`. */
export function describeCauses(causes: readonly StatusCause[]): string {
  return causes.map((c) => (c.field ? `${c.field}: ${c.phrase}` : c.phrase)).join('; ');
}
