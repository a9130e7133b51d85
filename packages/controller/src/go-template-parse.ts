/**
 * A parser for the part of Go's text/template that SealedSecret templates use: text, `{{ }}` actions with trim
 * markers and comments, pipelines (`a | b c`), fields (`.key`, `.`, `$`), string/raw/number/bool/nil literals,
 * parenthesised pipelines, and `if` / `else if` / `else` / `end`. Anything else (variables, `range`, `with`,
 * `define`, …) is refused with a TemplateError that names the construct, never a value.
 */

/** A template problem: the message names a function, an action or a position, never data. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

export type Operand =
  | { readonly kind: 'dot' }
  | { readonly kind: 'field'; readonly names: readonly string[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'nil' }
  | { readonly kind: 'function'; readonly name: string }
  | { readonly kind: 'pipeline'; readonly pipeline: Pipeline };

/** One command of a pipeline: a function and its arguments, or a single operand. */
export interface Command {
  readonly args: readonly Operand[];
  readonly column: number;
}
export type Pipeline = readonly Command[];

export type TemplateNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'action'; readonly pipeline: Pipeline }
  | {
      readonly kind: 'if';
      readonly pipeline: Pipeline;
      readonly then: readonly TemplateNode[];
      readonly otherwise: readonly TemplateNode[];
    };

const KEYWORDS = new Set(['range', 'with', 'define', 'template', 'block', 'break', 'continue']);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?![.eExXbBoO_0-9])/;
/** Largest nesting of parentheses and `if` blocks. */
const MAX_DEPTH = 32;

type Token =
  | { readonly t: 'operand'; readonly operand: Operand; readonly column: number }
  | { readonly t: '|' | '(' | ')'; readonly column: number }
  | { readonly t: 'keyword'; readonly word: string; readonly column: number };

const GO_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/** Reads a Go interpreted string literal starting at `start` (the opening quote); returns value and end index. */
function readQuoted(src: string, start: number, column: number): { value: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src[i] ?? '';
    if (c === '"') return { value: out, end: i + 1 };
    if (c === '\n') break;
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = src[i + 1] ?? '';
    if (GO_ESCAPES[e] !== undefined) {
      out += GO_ESCAPES[e];
      i += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = src.slice(i + 2, i + 2 + len);
      if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(hex)) break;
      const code = parseInt(hex, 16);
      if (e !== 'x' && code > 0x10ffff) break;
      out += String.fromCodePoint(code);
      i += 2 + len;
    } else {
      break;
    }
  }
  throw new TemplateError(`column ${column}: invalid string literal`);
}

type Lexed = { readonly token: Token; readonly length: number };

function lexDollar(rest: string, column: number): Lexed {
  if (/^\$[A-Za-z0-9_]/.test(rest) || /^\$\s*:?=/.test(rest)) {
    throw new TemplateError(`column ${column}: template variables are not supported`);
  }
  // `$` alone is the data, as `.` is outside range/with.
  const path = /^\$((?:\.[A-Za-z_][A-Za-z0-9_]*)*)/.exec(rest)?.[1] ?? '';
  const operand: Operand = path === '' ? { kind: 'dot' } : { kind: 'field', names: path.slice(1).split('.') };
  return { token: { t: 'operand', operand, column }, length: 1 + path.length };
}

function lexDot(rest: string, column: number): Lexed {
  const m = /^(?:\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(rest);
  if (!m) return { token: { t: 'operand', operand: { kind: 'dot' }, column }, length: 1 };
  const operand: Operand = { kind: 'field', names: m[0].slice(1).split('.') };
  return { token: { t: 'operand', operand, column }, length: m[0].length };
}

function lexNumber(rest: string, column: number): Lexed {
  const m = NUMBER.exec(rest);
  if (!m) throw new TemplateError(`column ${column}: only decimal integer numbers are supported`);
  const value = Number(m[0]);
  if (!Number.isSafeInteger(value)) throw new TemplateError(`column ${column}: number out of range`);
  return { token: { t: 'operand', operand: { kind: 'number', value }, column }, length: m[0].length };
}

function lexWord(rest: string, column: number): Lexed {
  const word = IDENT.exec(rest)?.[0];
  if (word === undefined) throw new TemplateError(`column ${column}: unexpected character in action`);
  let token: Token;
  if (word === 'true' || word === 'false') {
    token = { t: 'operand', operand: { kind: 'bool', value: word === 'true' }, column };
  } else if (word === 'nil') {
    token = { t: 'operand', operand: { kind: 'nil' }, column };
  } else if (word === 'if' || word === 'else' || word === 'end' || KEYWORDS.has(word)) {
    token = { t: 'keyword', word, column };
  } else {
    token = { t: 'operand', operand: { kind: 'function', name: word }, column };
  }
  return { token, length: word.length };
}

function lexString(src: string, i: number, column: number): Lexed {
  if (src[i] === '"') {
    const { value, end } = readQuoted(src, i, column);
    return { token: { t: 'operand', operand: { kind: 'string', value }, column }, length: end - i };
  }
  const end = src.indexOf('`', i + 1);
  if (end === -1) throw new TemplateError(`column ${column}: unterminated raw string`);
  const value = src.slice(i + 1, end);
  return { token: { t: 'operand', operand: { kind: 'string', value }, column }, length: end + 1 - i };
}

/** Splits the inside of one action into tokens. */
function lexAction(src: string, offset: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    const column = offset + i + 1;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") throw new TemplateError(`column ${column}: character constants are not supported`);
    let lexed: Lexed;
    if (c === '|' || c === '(' || c === ')') lexed = { token: { t: c, column }, length: 1 };
    else if (c === '"' || c === '`') lexed = lexString(src, i, column);
    else if (c === '.') lexed = lexDot(src.slice(i), column);
    else if (c === '$') lexed = lexDollar(src.slice(i), column);
    else if (/[-0-9]/.test(c)) lexed = lexNumber(src.slice(i), column);
    else lexed = lexWord(src.slice(i), column);
    tokens.push(lexed.token);
    i += lexed.length;
  }
  return tokens;
}

/** Parses tokens into a pipeline; `pos` is advanced past it (up to a closing paren or the end). */
function parsePipeline(tokens: readonly Token[], pos: { i: number }, depth: number, column: number): Pipeline {
  if (depth > MAX_DEPTH) throw new TemplateError(`column ${column}: nested too deeply`);
  const commands: Command[] = [];
  let args: Operand[] = [];
  let commandColumn = tokens[pos.i]?.column ?? column;
  const close = (at: number): void => {
    if (args.length === 0) throw new TemplateError(`column ${at}: missing command in pipeline`);
    commands.push({ args, column: commandColumn });
    args = [];
  };
  while (pos.i < tokens.length) {
    const token = tokens[pos.i] as Token;
    if (token.t === ')') break;
    pos.i++;
    if (token.t === '|') {
      close(token.column);
      commandColumn = tokens[pos.i]?.column ?? token.column;
    } else if (token.t === '(') {
      const inner = parsePipeline(tokens, pos, depth + 1, token.column);
      if (tokens[pos.i]?.t !== ')') throw new TemplateError(`column ${token.column}: unclosed parenthesis`);
      pos.i++;
      args.push({ kind: 'pipeline', pipeline: inner });
    } else if (token.t === 'keyword') {
      throw new TemplateError(`column ${token.column}: "${token.word}" is not supported here`);
    } else if (token.t === 'operand') {
      args.push(token.operand);
    }
  }
  close(tokens[pos.i]?.column ?? column);
  return commands;
}

function parseActionPipeline(tokens: readonly Token[], column: number): Pipeline {
  const pos = { i: 0 };
  const pipeline = parsePipeline(tokens, pos, 0, column);
  if (pos.i < tokens.length) throw new TemplateError(`column ${tokens[pos.i]?.column ?? column}: unexpected ")"`);
  return pipeline;
}

interface RawAction {
  readonly tokens: Token[];
  readonly column: number;
}

type Piece = { readonly text: string } | { readonly action: RawAction };

/** Cuts the source into text and actions, applying trim markers and dropping comments. */
function cut(src: string): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  let trimNext = false;
  while (i <= src.length) {
    const open = src.indexOf('{{', i);
    let text = open === -1 ? src.slice(i) : src.slice(i, open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    if (open === -1) {
      pieces.push({ text });
      break;
    }
    let start = open + 2;
    if (/^-[ \t\r\n]/.test(src.slice(start))) {
      text = text.replace(/[ \t\r\n]+$/, '');
      start += 1;
    }
    pieces.push({ text });
    const column = open + 1;
    // A comment runs to `*/}}`; elsewhere the action ends at the first `}}` outside a string literal.
    const inner = src.slice(start);
    const comment = /^\s*\/\*/.exec(inner);
    let end: number;
    if (comment) {
      const stop = src.indexOf('*/', start + comment[0].length);
      const after = stop === -1 ? -1 : src.slice(stop + 2).search(/^\s*-?\s*\}\}/);
      if (stop === -1 || after !== 0) throw new TemplateError(`column ${column}: unclosed comment`);
      end = src.indexOf('}}', stop + 2);
    } else {
      end = findActionEnd(src, start, column);
    }
    let body = src.slice(start, end);
    trimNext = /[ \t\r\n]-$/.test(body);
    if (trimNext) body = body.slice(0, -1);
    if (!comment) pieces.push({ action: { tokens: lexAction(body, start), column } });
    i = end + 2;
  }
  return pieces;
}

function findActionEnd(src: string, start: number, column: number): number {
  let i = start;
  while (i < src.length) {
    const c = src[i];
    if (c === '"') {
      i = readQuoted(src, i, column).end;
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end === -1) break;
      i = end + 1;
    } else if (c === '}' && src[i + 1] === '}') {
      return i;
    } else {
      i++;
    }
  }
  throw new TemplateError(`column ${column}: unclosed action`);
}

/** Builds the node tree: `if` … `else if` … `else` … `end`. */
function build(pieces: readonly Piece[]): TemplateNode[] {
  const pos = { i: 0 };
  const nodes = buildList(pieces, pos, 0);
  const stray = pieces[pos.i];
  if (stray && 'action' in stray) {
    const first = stray.action.tokens[0];
    const word = first?.t === 'keyword' ? first.word : 'action';
    throw new TemplateError(`column ${stray.action.column}: unexpected "${word}"`);
  }
  return nodes;
}

function keywordOf(piece: Piece | undefined): string | undefined {
  if (!piece || !('action' in piece)) return undefined;
  const first = piece.action.tokens[0];
  return first?.t === 'keyword' ? first.word : undefined;
}

function buildList(pieces: readonly Piece[], pos: { i: number }, depth: number): TemplateNode[] {
  const nodes: TemplateNode[] = [];
  while (pos.i < pieces.length) {
    const piece = pieces[pos.i] as Piece;
    if ('text' in piece) {
      if (piece.text !== '') nodes.push({ kind: 'text', text: piece.text });
      pos.i++;
      continue;
    }
    const word = keywordOf(piece);
    if (word === 'else' || word === 'end') return nodes;
    pos.i++;
    if (word === 'if') {
      nodes.push(buildIf(pieces, pos, piece.action, 1, depth + 1));
    } else if (word !== undefined) {
      throw new TemplateError(`column ${piece.action.column}: action "${word}" is not supported`);
    } else {
      nodes.push({ kind: 'action', pipeline: parseActionPipeline(piece.action.tokens, piece.action.column) });
    }
  }
  return nodes;
}

/** After `{{ if …}}` (or `{{ else if …}}`, where the pipeline starts at token `skip`). */
function buildIf(
  pieces: readonly Piece[],
  pos: { i: number },
  head: RawAction,
  skip: number,
  depth: number,
): TemplateNode {
  if (depth > MAX_DEPTH) throw new TemplateError(`column ${head.column}: nested too deeply`);
  const pipeline = parseActionPipeline(head.tokens.slice(skip), head.column);
  const then = buildList(pieces, pos, depth);
  const next = pieces[pos.i];
  const word = keywordOf(next);
  if (!next || !('action' in next) || word === undefined) {
    throw new TemplateError(`column ${head.column}: "if" without "end"`);
  }
  pos.i++;
  if (word === 'end') {
    if (next.action.tokens.length > 1) throw new TemplateError(`column ${next.action.column}: unexpected after "end"`);
    return { kind: 'if', pipeline, then, otherwise: [] };
  }
  const second = next.action.tokens[1];
  if (second?.t === 'keyword' && second.word === 'if') {
    // `else if` chains share the one `end`.
    return { kind: 'if', pipeline, then, otherwise: [buildIf(pieces, pos, next.action, 2, depth + 1)] };
  }
  if (next.action.tokens.length > 1) {
    throw new TemplateError(`column ${next.action.column}: "else" takes no pipeline here`);
  }
  const otherwise = buildList(pieces, pos, depth);
  const end = pieces[pos.i];
  if (keywordOf(end) !== 'end') throw new TemplateError(`column ${head.column}: "if" without "end"`);
  pos.i++;
  return { kind: 'if', pipeline, then, otherwise };
}

/** Parses a template; throws TemplateError (position and construct only). */
export function parseTemplate(src: string): TemplateNode[] {
  return build(cut(src));
}
