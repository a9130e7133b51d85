/**
 * Values inside a template run and how Go prints and judges them. `undefined` is Go's invalid value (a missing
 * map key: prints `<no value>`), `null` is nil (prints `<nil>`); the data (`.`) is a DataMap of strings.
 */
export class DataMap {
  constructor(readonly entries: ReadonlyMap<string, string>) {}
}

export type Value = string | number | boolean | null | undefined | DataMap | readonly Value[];

export function isList(v: Value): v is readonly Value[] {
  return Array.isArray(v);
}

/** Go's `%v` / fmt.Sprint of one value. */
export function printValue(v: Value): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof DataMap) {
    const keys = [...v.entries.keys()].sort();
    return `map[${keys.map((k) => `${k}:${v.entries.get(k) ?? ''}`).join(' ')}]`;
  }
  return `[${(v as readonly Value[]).map((x) => (x === null || x === undefined ? '<nil>' : printValue(x))).join(' ')}]`;
}

/** Go's truth for `if`, `and`, `or`, `not`: false, 0, "", nil and empty lists or maps are false. */
export function isTrue(v: Value): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v !== '';
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'boolean') return v;
  if (v instanceof DataMap) return v.entries.size > 0;
  return (v as readonly Value[]).length > 0;
}

/** Sprig's strval: strings as they are, anything else as fmt `%v`. */
export function strval(v: Value): string {
  return typeof v === 'string' ? v : printValue(v);
}

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isGoPrint(ch: string): boolean {
  return ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

/** Go's strconv.Quote (what `%q` prints for a string). */
export function goQuote(s: string): string {
  // Printable ASCII other than `"` and `\` stays as it is; only the rest is looked at rune by rune.
  return `"${s.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]+/gu, quoteRunes)}"`;
}

function quoteRunes(s: string): string {
  let out = '';
  for (const ch of s) {
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) {
      out += short;
    } else if (isGoPrint(ch)) {
      out += ch;
    } else {
      const code = ch.codePointAt(0) ?? 0;
      if (code < 0x80) out += `\\x${code.toString(16).padStart(2, '0')}`;
      else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
      else out += `\\U${code.toString(16).padStart(8, '0')}`;
    }
  }
  return out;
}

/** A short type name for messages (never the value): `string`, `int`, `bool`, `list`, `map`, `nil`. */
export function typeName(v: Value): string {
  if (v === undefined) return 'no value';
  if (v === null) return 'nil';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof DataMap) return 'map';
  return 'list';
}
