import { createHash } from 'node:crypto';
import { TemplateError } from './go-template-parse.js';
import { goSprint, goSprintf, goSprintln } from './go-printf.js';
import { DataMap, goQuote, isList, isTrue, printValue, strval, typeName, type Value } from './go-template-values.js';

/** What a function may spend: results are checked against the output limit before they are built. */
export interface Budget {
  checkSize(length: number): void;
  /** The largest string a function may make. */
  readonly limits: { readonly maxOutput: number };
}

type Kind = 'string' | 'int' | 'any';

interface FunctionSpec {
  readonly params: readonly Kind[];
  /** The kind of any further arguments, for variadic functions. */
  readonly rest?: Kind;
  readonly impl: (args: Value[], budget: Budget) => Value;
}

export type FoundFunction =
  { readonly call: (args: Value[], budget: Budget, column: number) => Value } | { readonly refused: string };

/** Functions Bitnami removes from Sprig's map (they would read the controller's environment). */
const REMOVED_BY_BITNAMI = new Set(['env', 'expandenv', 'getHostByName']);

/** Sprig functions whose output changes on every run or that read the clock: a Secret must not churn. */
const NOT_DETERMINISTIC = new Set([
  'randAlphaNum',
  'randAlpha',
  'randAscii',
  'randNumeric',
  'randBytes',
  'randInt',
  'uuidv4',
  'now',
  'date',
  'htpasswd',
  'genPrivateKey',
  'genCA',
  'genSelfSignedCert',
  'genSignedCert',
  'encryptAES',
  'decryptAES',
  'shuffle',
  'bcrypt',
]);

const fn = (params: readonly Kind[], impl: FunctionSpec['impl'], rest?: Kind): FunctionSpec =>
  rest === undefined ? { params, impl } : { params, impl, rest };

const str = (v: Value): string => v as string;
const num = (v: Value): number => v as number;

/** cast.ToInt64 as Sprig's arithmetic uses it: numbers, numeric strings (else 0), bools. */
export function toInt64(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$/.exec(v);
    if (!m) return 0;
    const body = (m[2] ?? '0').replace(/^0(?=[0-7])/, '0o');
    const n = Number(body);
    return Number.isSafeInteger(n) ? (m[1] === '-' ? -n : n) : 0;
  }
  return 0;
}

/** Sprig's `empty`: Go's zero values and empty collections. */
export function isEmpty(v: Value): boolean {
  return !isTrue(v);
}

/** Go's strings.ToUpper/ToLower map each code point alone (no `ß` → `SS`). */
function mapRunes(s: string, f: (c: string) => string): string {
  // Case mappings never shrink a string: the same length means every code point mapped to exactly one.
  const whole = f(s);
  if (whole.length === s.length) return whole;
  let out = '';
  for (const ch of s) {
    const mapped = f(ch);
    out += [...mapped].length === 1 ? mapped : ch;
  }
  return out;
}

/** Title-case forms that differ from the upper case (the Latin digraphs). */
const TITLE_CASE: Readonly<Record<string, string>> = {
  Ǆ: 'ǅ',
  ǅ: 'ǅ',
  ǆ: 'ǅ',
  Ǉ: 'ǈ',
  ǈ: 'ǈ',
  ǉ: 'ǈ',
  Ǌ: 'ǋ',
  ǋ: 'ǋ',
  ǌ: 'ǋ',
  Ǳ: 'ǲ',
  ǲ: 'ǲ',
  ǳ: 'ǲ',
};

/**
 * Sprig's `title` (x/text cases.Title, no lower-casing): the first letter of every word in title case; letters,
 * digits and `_` join words, anything else (an apostrophe too: `o'neil` → `O'Neil`) starts a new one.
 */
export function goTitle(s: string): string {
  return s.replace(/(?<![\p{L}\p{N}_])[\p{L}\p{N}_]/gu, (ch) => TITLE_CASE[ch] ?? mapRunes(ch, (c) => c.toUpperCase()));
}

/** Go's strings.Trim: code points of `cutset` removed from both ends. */
export function goTrim(s: string, cutset: string): string {
  const set = new Set([...cutset]);
  let start = 0;
  while (start < s.length) {
    const ch = String.fromCodePoint(s.codePointAt(start) ?? 0);
    if (!set.has(ch)) break;
    start += ch.length;
  }
  let end = s.length;
  while (end > start) {
    const low = s.charCodeAt(end - 1);
    const width = low >= 0xdc00 && low <= 0xdfff && end - 2 >= start ? 2 : 1;
    if (!set.has(s.slice(end - width, end))) break;
    end -= width;
  }
  return s.slice(start, end);
}

/** Go's strings.Replace(s, old, new, -1), including the empty `old` case (between every code point). */
export function goReplaceAll(s: string, old: string, replacement: string): string {
  if (old === '') return [replacement, ...[...s].flatMap((ch) => [ch, replacement])].join('');
  return s.split(old).join(replacement);
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(data: Buffer): string {
  let out = '';
  for (let i = 0; i < data.length; i += 5) {
    const chunk = data.subarray(i, i + 5);
    let bits = 0n;
    for (let j = 0; j < 5; j++) bits = (bits << 8n) | BigInt(chunk[j] ?? 0);
    const chars = Math.ceil((chunk.length * 8) / 5);
    for (let j = 0; j < 8; j++) out += j < chars ? B32[Number((bits >> BigInt(35 - 5 * j)) & 31n)] : '=';
  }
  return out;
}

/** Go's base32.StdEncoding.DecodeString; Sprig returns the error's text instead of failing. */
export function base32Decode(s: string): string {
  const text = s.replace(/[\r\n]/g, '');
  const bad = text.search(/[^A-Z2-7=]/);
  if (bad !== -1) return `illegal base32 data at input byte ${bad}`;
  if (text.length % 8 !== 0) return `illegal base32 data at input byte ${text.length - (text.length % 8)}`;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 8) {
    const block = text.slice(i, i + 8);
    const pad = block.indexOf('=');
    const used = pad === -1 ? 8 : pad;
    if (pad !== -1 && (!/^=+$/.test(block.slice(pad)) || ![2, 4, 5, 7].includes(used) || i + 8 < text.length)) {
      return `illegal base32 data at input byte ${i + pad}`;
    }
    let bits = 0n;
    for (let j = 0; j < 8; j++) bits = (bits << 5n) | BigInt(j < used ? B32.indexOf(block[j] ?? 'A') : 0);
    const n = Math.floor((used * 5) / 8);
    for (let j = 0; j < n; j++) bytes.push(Number((bits >> BigInt(32 - 8 * j)) & 255n));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Go's base64.StdEncoding.DecodeString (padded, strict); Sprig returns the error's text instead of failing. */
export function base64Decode(s: string): string {
  const text = s.replace(/[\r\n]/g, '');
  const bad = text.search(/[^A-Za-z0-9+/=]/);
  const pad = text.indexOf('=');
  if (bad !== -1 && (pad === -1 || bad < pad)) return `illegal base64 data at input byte ${bad}`;
  if (pad !== -1) {
    const tail = text.slice(pad);
    const ok = /^={1,2}$/.test(tail) && text.length % 4 === 0 && (tail.length === 1 || text.length - 2 === pad);
    if (!ok) return `illegal base64 data at input byte ${pad}`;
  } else if (text.length % 4 !== 0) {
    return `illegal base64 data at input byte ${text.length - (text.length % 4)}`;
  }
  return Buffer.from(text, 'base64').toString('utf8');
}

function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, 'utf8')) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return b * 65536 + a;
}

/** Go's encoding/json for the values a template holds (HTML-escaped, as json.Marshal does). */
export function goJson(v: Value): string {
  const plain = (x: Value): unknown => {
    if (x === undefined) return null;
    if (x instanceof DataMap) return Object.fromEntries([...x.entries].sort(([a], [b]) => (a < b ? -1 : 1)));
    if (isList(x)) return x.map(plain);
    return x;
  };
  return JSON.stringify(plain(v))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function sized(budget: Budget, length: number): void {
  budget.checkSize(length);
}

function strslice(v: Value): string[] {
  if (isList(v)) return v.filter((x) => x !== null && x !== undefined).map(strval);
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

function compare(name: string, a: Value, b: Value): number {
  const same = (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
  if (!same) throw new TemplateError(`${name}: incompatible types for comparison`);
  return a < b ? -1 : a > b ? 1 : 0;
}

function basicEqual(a: Value, b: Value): boolean {
  const kinds = ['string', 'number', 'boolean'];
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (!kinds.includes(typeof a) || !kinds.includes(typeof b)) throw new TemplateError('eq: non-comparable types');
  if (typeof a !== typeof b) throw new TemplateError('eq: incompatible types for comparison');
  return a === b;
}

/** Go's template built-ins and the supported part of Sprig's GenericFuncMap. */
const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  // Go text/template built-ins.
  and: fn(['any'], (a) => a.find((x) => !isTrue(x)) ?? a[a.length - 1], 'any'),
  or: fn(['any'], (a) => a.find((x) => isTrue(x)) ?? a[a.length - 1], 'any'),
  not: fn(['any'], ([x]) => !isTrue(x)),
  len: fn(['any'], ([x]) => {
    if (typeof x === 'string') return Buffer.byteLength(x, 'utf8');
    if (isList(x)) return x.length;
    if (x instanceof DataMap) return x.entries.size;
    throw new TemplateError(`len of type ${typeName(x)}`);
  }),
  index: fn(
    ['any'],
    ([x, ...keys]) => {
      let item: Value = x;
      for (const key of keys) {
        if (item instanceof DataMap) {
          if (typeof key !== 'string') throw new TemplateError('index of a map needs a string key');
          item = item.entries.get(key) ?? ''; // Go: the zero value of the element type
        } else if (isList(item)) {
          if (typeof key !== 'number' || key < 0 || key >= item.length) throw new TemplateError('index out of range');
          item = item[key];
        } else if (typeof item === 'string') {
          const bytes = Buffer.from(item, 'utf8');
          if (typeof key !== 'number' || key < 0 || key >= bytes.length) {
            throw new TemplateError('index out of range');
          }
          item = bytes[key] ?? 0;
        } else {
          throw new TemplateError(`can't index item of type ${typeName(item)}`);
        }
      }
      return item;
    },
    'any',
  ),
  print: fn([], (a) => goSprint(a), 'any'),
  println: fn([], (a) => goSprintln(a), 'any'),
  printf: fn(['string'], ([f, ...a], budget) => goSprintf(str(f), a, budget.limits.maxOutput), 'any'),
  eq: fn(['any', 'any'], ([a, ...bs]) => bs.some((b) => basicEqual(a, b)), 'any'),
  ne: fn(['any', 'any'], ([a, b]) => !basicEqual(a, b)),
  lt: fn(['any', 'any'], ([a, b]) => compare('lt', a, b) < 0),
  le: fn(['any', 'any'], ([a, b]) => compare('le', a, b) <= 0),
  gt: fn(['any', 'any'], ([a, b]) => compare('gt', a, b) > 0),
  ge: fn(['any', 'any'], ([a, b]) => compare('ge', a, b) >= 0),
  urlquery: fn([], (a) => encodeURIComponent(goSprint(a)).replace(/%20/g, '+'), 'any'),
  html: fn(
    [],
    (a) =>
      goSprint(a)
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&#34;')
        .replace(/'/g, '&#39;')
        .replace(/\0/g, '\uFFFD'),
    'any',
  ),

  // Sprig: strings.
  trim: fn(['string'], ([s]) => str(s).replace(/^[\s\u0085]+|[\s\u0085]+$/gu, '')),
  trimAll: fn(['string', 'string'], ([cut, s]) => goTrim(str(s), str(cut))),
  trimPrefix: fn(['string', 'string'], ([p, s]) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : s)),
  trimSuffix: fn(['string', 'string'], ([p, s]) =>
    str(p) !== '' && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : s,
  ),
  upper: fn(['string'], ([s]) => mapRunes(str(s), (c) => c.toUpperCase())),
  lower: fn(['string'], ([s]) => mapRunes(str(s), (c) => c.toLowerCase())),
  title: fn(['string'], ([s]) => goTitle(str(s))),
  repeat: fn(['int', 'string'], ([n, s], budget) => {
    if (num(n) < 0) throw new TemplateError('repeat: negative count');
    sized(budget, num(n) * str(s).length);
    return str(s).repeat(num(n));
  }),
  substr: fn(['int', 'int', 'string'], ([start, end, s]) => {
    const bytes = Buffer.from(str(s), 'utf8');
    const a = num(start);
    const b = num(end);
    if (a < 0) return bytes.subarray(0, b).toString('utf8');
    if (b < 0 || b > bytes.length) return bytes.subarray(a).toString('utf8');
    if (a > b) throw new TemplateError('substr: start after end');
    return bytes.subarray(a, b).toString('utf8');
  }),
  trunc: fn(['int', 'string'], ([n, s]) => {
    const bytes = Buffer.from(str(s), 'utf8');
    const c = num(n);
    if (c < 0 && bytes.length + c < 0) return s;
    if (c < 0) return bytes.subarray(bytes.length + c).toString('utf8');
    return bytes.length > c ? bytes.subarray(0, c).toString('utf8') : s;
  }),
  nospace: fn(['string'], ([s]) => str(s).replace(/[\s\u0085]/gu, '')),
  contains: fn(['string', 'string'], ([sub, s]) => str(s).includes(str(sub))),
  hasPrefix: fn(['string', 'string'], ([p, s]) => str(s).startsWith(str(p))),
  hasSuffix: fn(['string', 'string'], ([p, s]) => str(s).endsWith(str(p))),
  quote: fn(
    [],
    (a) =>
      a
        .filter((x) => x !== null && x !== undefined)
        .map((x) => goQuote(strval(x)))
        .join(' '),
    'any',
  ),
  squote: fn(
    [],
    (a) =>
      a
        .filter((x) => x !== null && x !== undefined)
        .map((x) => `'${strval(x)}'`)
        .join(' '),
    'any',
  ),
  cat: fn(
    [],
    (a) =>
      a
        .filter((x) => x !== null && x !== undefined)
        .map(printValue)
        .join(' '),
    'any',
  ),
  indent: fn(['int', 'string'], ([n, s], budget) => {
    const pad = padding('indent', num(n));
    sized(budget, (str(s).split('\n').length + 1) * pad.length + str(s).length);
    return pad + str(s).split('\n').join(`\n${pad}`);
  }),
  nindent: fn(['int', 'string'], ([n, s], budget) => {
    const pad = padding('nindent', num(n));
    sized(budget, (str(s).split('\n').length + 1) * pad.length + str(s).length);
    return `\n${pad}${str(s).split('\n').join(`\n${pad}`)}`;
  }),
  replace: fn(['string', 'string', 'string'], ([o, n, s], budget) => {
    if (str(o) === '') sized(budget, ([...str(s)].length + 1) * str(n).length + str(s).length);
    return goReplaceAll(str(s), str(o), str(n));
  }),
  plural: fn(['string', 'string', 'int'], ([one, many, n]) => (num(n) === 1 ? one : many)),

  // Sprig: encodings and checksums.
  b64enc: fn(['string'], ([s]) => Buffer.from(str(s), 'utf8').toString('base64')),
  b64dec: fn(['string'], ([s]) => base64Decode(str(s))),
  b32enc: fn(['string'], ([s]) => base32Encode(Buffer.from(str(s), 'utf8'))),
  b32dec: fn(['string'], ([s]) => base32Decode(str(s))),
  sha1sum: fn(['string'], ([s]) => createHash('sha1').update(str(s), 'utf8').digest('hex')),
  sha256sum: fn(['string'], ([s]) => createHash('sha256').update(str(s), 'utf8').digest('hex')),
  adler32sum: fn(['string'], ([s]) => String(adler32(str(s)))),
  toJson: fn(['any'], ([v]) => goJson(v)),

  // Sprig: defaults and flow.
  default: fn(['any'], ([d, ...given]) => (given.length === 0 || isEmpty(given[0]) ? d : given[0]), 'any'),
  empty: fn(['any'], ([v]) => isEmpty(v)),
  coalesce: fn([], (a) => a.find((x) => !isEmpty(x)) ?? null, 'any'),
  ternary: fn(['any', 'any', 'any'], ([t, f, c]) => {
    if (typeof c !== 'boolean') throw new TemplateError(`ternary: wrong type for value; expected bool`);
    return c ? t : f;
  }),
  fail: fn(['string'], () => {
    // The message may hold data: the condition only says that `fail` was called.
    throw new TemplateError('function "fail" was called');
  }),

  // Sprig: lists and conversions.
  list: fn([], (a) => [...a], 'any'),
  join: fn(['string', 'any'], ([sep, v]) => strslice(v).join(str(sep))),
  splitList: fn(['string', 'string'], ([sep, s]) => goSplit(str(s), str(sep))),
  first: fn(['any'], ([l]) => (isList(l) ? (l.length > 0 ? l[0] : null) : listError('first', l))),
  last: fn(['any'], ([l]) => (isList(l) ? (l.length > 0 ? l[l.length - 1] : null) : listError('last', l))),
  toString: fn(['any'], ([v]) => strval(v)),
  atoi: fn(['string'], ([s]) => (/^[-+]?[0-9]+$/.test(str(s)) ? toInt64(str(s).replace(/^\+/, '')) : 0)),
  add: fn([], (a) => a.reduce<number>((sum, x) => sum + toInt64(x), 0), 'any'),
  add1: fn(['any'], ([x]) => toInt64(x) + 1),
  sub: fn(['any', 'any'], ([a, b]) => toInt64(a) - toInt64(b)),
  mul: fn(['any'], (a) => a.reduce<number>((p, x) => p * toInt64(x), 1), 'any'),
  div: fn(['any', 'any'], ([a, b]) => {
    if (toInt64(b) === 0) throw new TemplateError('div: division by zero');
    return Math.trunc(toInt64(a) / toInt64(b));
  }),
  mod: fn(['any', 'any'], ([a, b]) => {
    if (toInt64(b) === 0) throw new TemplateError('mod: division by zero');
    return toInt64(a) % toInt64(b);
  }),
};

function padding(name: string, n: number): string {
  if (n < 0) throw new TemplateError(`error calling ${name}: negative Repeat count`);
  return ' '.repeat(n);
}

function listError(name: string, v: Value): never {
  throw new TemplateError(`${name}: cannot find ${name} on type ${typeName(v)}`);
}

/** Go's strings.Split, including the empty separator (one element per code point). */
function goSplit(s: string, sep: string): string[] {
  return sep === '' ? [...s] : s.split(sep);
}

function checkArg(name: string, kind: Kind, v: Value, index: number): void {
  if (kind === 'any') return;
  const want = kind === 'string' ? 'string' : 'number';
  if (typeof v === want) return;
  const expected = kind === 'string' ? 'string' : 'int';
  if (v === undefined || v === null) {
    throw new TemplateError(`error calling ${name}: argument ${index + 1}: invalid value; expected ${expected}`);
  }
  throw new TemplateError(
    `error calling ${name}: argument ${index + 1}: wrong type; expected ${expected}, got ${typeName(v)}`,
  );
}

/** The function of that name, with Go's arity and type checks around it, or why it is refused. */
export function lookupFunction(name: string): FoundFunction {
  const spec = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!spec) {
    if (REMOVED_BY_BITNAMI.has(name)) return { refused: 'is not available (Bitnami removes it too)' };
    if (NOT_DETERMINISTIC.has(name)) {
      return { refused: 'is not supported: its output would change on every unseal' };
    }
    return { refused: 'is not supported by gitseal' };
  }
  return {
    call: (args, budget) => {
      const fixed = spec.params.length;
      if (args.length < fixed || (spec.rest === undefined && args.length !== fixed)) {
        const want = spec.rest === undefined ? `${fixed}` : `at least ${fixed}`;
        throw new TemplateError(`wrong number of args for ${name}: want ${want} got ${args.length}`);
      }
      args.forEach((v, i) => checkArg(name, spec.params[i] ?? spec.rest ?? 'any', v, i));
      return spec.impl(args, budget);
    },
  };
}

/** The names of the functions templates may use (for the docs and tests). */
export const SUPPORTED_FUNCTIONS: readonly string[] = Object.keys(FUNCTIONS).sort();
