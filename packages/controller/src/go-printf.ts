import { TemplateError } from './go-template-parse.js';
import { goQuote, isList, printValue, typeName, type Value } from './go-template-values.js';

/** Go's type names as fmt prints them in `%!verb(type=value)`. */
function fmtType(v: Value): string {
  const name = typeName(v);
  if (name === 'list') return '[]interface {}';
  if (name === 'map') return 'map[string]string';
  return name;
}

function bad(verb: string, v: Value): string {
  return v === null || v === undefined ? `%!${verb}(<nil>)` : `%!${verb}(${fmtType(v)}=${printValue(v)})`;
}

function hex(v: Value, upper: boolean): string | undefined {
  let out: string | undefined;
  if (typeof v === 'number') out = (v < 0 ? '-' : '') + Math.abs(v).toString(16);
  else if (typeof v === 'string') out = Buffer.from(v, 'utf8').toString('hex');
  return upper ? out?.toUpperCase() : out;
}

function formatOne(verb: string, v: Value): string {
  switch (verb) {
    case 'v':
      return printValue(v);
    case 's':
      if (typeof v === 'string') return v;
      if (isList(v)) return `[${v.map((x) => formatOne('s', x)).join(' ')}]`;
      return bad(verb, v);
    case 'd':
      return typeof v === 'number' ? String(v) : bad(verb, v);
    case 't':
      return typeof v === 'boolean' ? String(v) : bad(verb, v);
    case 'q':
      return typeof v === 'string' ? goQuote(v) : bad(verb, v);
    case 'x':
    case 'X':
      return hex(v, verb === 'X') ?? bad(verb, v);
    default:
      return `%!${verb}(${fmtType(v)}=${printValue(v)})`;
  }
}

const VERB = /^%([-+# 0]*)(\d{1,4})?(?:\.(\d{1,4}))?([a-zA-Z%])/;

function pad(text: string, flags: string, width: number | undefined, numeric: boolean): string {
  const length = [...text].length;
  if (width === undefined || length >= width) return text;
  if (flags.includes('-')) return text + ' '.repeat(width - length);
  if (flags.includes('0') && numeric) {
    const sign = text.startsWith('-') ? '-' : '';
    return sign + '0'.repeat(width - length) + text.slice(sign.length);
  }
  return ' '.repeat(width - length) + text;
}

/**
 * Go's fmt.Sprintf for the verbs templates use: %s %v %d %q %t %x %X and %%, with a width, the `-` and `0` flags
 * and a precision for %s. Missing and extra operands, and wrong types, print as Go prints them.
 */
export function goSprintf(format: string, args: readonly Value[], maxLength = Infinity): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    const m = VERB.exec(format.slice(i));
    if (!m) {
      out += '%!(NOVERB)';
      break;
    }
    i += m[0].length - 1;
    const [, flags = '', width, precision, verb = ''] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (next >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const value = args[next++];
    let text = formatOne(verb, value);
    if (precision !== undefined && verb === 's' && typeof value === 'string') {
      text = [...text].slice(0, Number(precision)).join('');
    }
    out += pad(text, flags, width === undefined ? undefined : Number(width), typeof value === 'number');
    if (out.length > maxLength) throw new TemplateError(`printf: output larger than ${maxLength} characters`);
  }
  if (next < args.length) {
    const extra = args
      .slice(next)
      .map((v) => (v === null || v === undefined ? '<nil>' : `${fmtType(v)}=${printValue(v)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}

/** fmt.Sprint: operands joined, with a space between two operands when neither is a string. */
export function goSprint(args: readonly Value[]): string {
  let out = '';
  args.forEach((v, i) => {
    if (i > 0 && typeof v !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += printValue(v);
  });
  return out;
}

/** fmt.Sprintln: operands always separated by spaces, then a newline. */
export function goSprintln(args: readonly Value[]): string {
  return `${args.map(printValue).join(' ')}\n`;
}
