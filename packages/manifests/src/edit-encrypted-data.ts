import { isDeepStrictEqual } from 'node:util';
import { COLLECTION_STYLE, getScalarValue, load, parseEvents, SCALAR_STYLE, type ScalarEvent } from 'js-yaml';
import { ManifestError, ManifestErrorCode } from './errors.js';
import { looksLikeJson, tryParseJson } from './json-input.js';
import { KUBE_YAML_SCHEMA } from './kube-yaml-schema.js';
import { isValidSecretKey, quoteName } from './names.js';
import { isPlainObject } from './object-meta.js';
import { loadDocuments } from './parse-manifests.js';
import type { JsonValue } from './to-json-value.js';
import { buildEventTrees, type EventNode } from './yaml-event-tree.js';

export interface ReplaceEncryptedDataOptions {
  /** File name for messages. */
  source?: string | undefined;
  /** For a `List` document: the position of the SealedSecret in its items. */
  item?: number | undefined;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

interface Entry {
  key: string;
  keyStart: number;
  valueEvent: ScalarEvent;
  valueStart: number;
  valueEnd: number;
}

type Fail = (cause: string) => never;

function unsupported(where: string): Fail {
  return (cause) => {
    throw new ManifestError(
      ManifestErrorCode.UnsupportedEdit,
      `${where}: cannot edit spec.encryptedData in place: ${cause}`,
    );
  };
}

/** The target object within a loaded document, following `items[item]` for a List. */
function targetOf(document: unknown, item: number | undefined): Record<string, unknown> | undefined {
  if (!isPlainObject(document)) return undefined;
  if (item === undefined) return document;
  const items = document['items'];
  const found: unknown = Array.isArray(items) ? items[item] : undefined;
  return isPlainObject(found) ? found : undefined;
}

function encryptedDataOf(target: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const spec = target?.['spec'];
  if (!isPlainObject(spec)) return undefined;
  const data = spec['encryptedData'];
  return isPlainObject(data) ? data : undefined;
}

function expectedData(
  current: Record<string, unknown>,
  updates: Record<string, string>,
  removals: readonly string[],
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const key of removals) delete next[key];
  Object.assign(next, updates);
  return next;
}

/** A YAML scalar for a key or sealed value: plain when that reads back as the same string, else double-quoted. */
function formatScalar(value: string, style?: number): string {
  if (style === SCALAR_STYLE.SINGLE_QUOTED && !/['\r\n]/.test(value)) return `'${value}'`;
  if (style !== SCALAR_STYLE.DOUBLE_QUOTED && /^[A-Za-z0-9+/][A-Za-z0-9+/=_:.-]*$/.test(value)) {
    const back = load(`k: ${value}`, { schema: KUBE_YAML_SCHEMA }) as Record<string, unknown>;
    if (back['k'] === value) return value;
  }
  return JSON.stringify(value);
}

function lineStart(text: string, position: number): number {
  return text.lastIndexOf('\n', position - 1) + 1;
}

/** Position just past the line break ending the line that holds `position` (or the end of the text). */
function afterLineEnd(text: string, position: number): number {
  if (position > 0 && text[position - 1] === '\n') return position;
  const newline = text.indexOf('\n', position);
  return newline === -1 ? text.length : newline + 1;
}

function findPair(node: EventNode | null | undefined, key: string, text: string): EventNode | undefined {
  if (node?.kind !== 'mapping') return undefined;
  for (const pair of node.pairs) {
    if (pair.key.kind === 'scalar' && getScalarValue(text, pair.key.event) === key) return pair.value;
  }
  return undefined;
}

function hasProperties(event: { anchorStart: number; tagStart: number }): boolean {
  return event.anchorStart >= 0 || event.tagStart >= 0;
}

/** Where a scalar's own text (quotes and block header included) begins and ends. */
function scalarSpan(text: string, event: ScalarEvent, afterColon: number, fail: Fail): [number, number] {
  switch (event.style) {
    case SCALAR_STYLE.PLAIN:
      return [event.valueStart, event.valueEnd];
    case SCALAR_STYLE.SINGLE_QUOTED:
    case SCALAR_STYLE.DOUBLE_QUOTED: {
      const quote = event.style === SCALAR_STYLE.SINGLE_QUOTED ? "'" : '"';
      if (text[event.valueStart - 1] !== quote || text[event.valueEnd] !== quote) fail('unexpected quoting');
      return [event.valueStart - 1, event.valueEnd + 1];
    }
    default: {
      const header = text.slice(afterColon).search(/\S/) + afterColon;
      if (!'|>'.includes(text[header] ?? '') || header >= event.valueStart) fail('unexpected block scalar');
      return [header, event.valueEnd];
    }
  }
}

function readEntries(text: string, mapping: Extract<EventNode, { kind: 'mapping' }>, fail: Fail): Entry[] {
  return mapping.pairs.map(({ key, value }) => {
    if (key.kind !== 'scalar' || hasProperties(key.event)) fail('a key is not a plain scalar');
    const name = getScalarValue(text, key.event);
    if (name === '<<') fail('it uses a merge key');
    if (value.kind !== 'scalar' || hasProperties(value.event)) fail(`the value of ${quoteName(name)} is not a scalar`);
    if (value.event.valueStart < 0) fail(`${quoteName(name)} has an empty value`);
    const quoted = key.event.style !== SCALAR_STYLE.PLAIN;
    const keyStart = quoted ? key.event.valueStart - 1 : key.event.valueStart;
    const keyEnd = quoted ? key.event.valueEnd + 1 : key.event.valueEnd;
    const colon = text.slice(keyEnd).search(/\S/) + keyEnd;
    if (text[colon] !== ':') fail(`unexpected syntax after key ${quoteName(name)}`);
    if (text.slice(lineStart(text, keyStart), keyStart).trim() !== '') fail('keys do not start their lines');
    const [valueStart, valueEnd] = scalarSpan(text, value.event, colon + 1, fail);
    return { key: name, keyStart, valueEvent: value.event, valueStart, valueEnd };
  });
}

function planEdits(
  text: string,
  entries: readonly Entry[],
  updates: Record<string, string>,
  removals: readonly string[],
  eol: string,
): Edit[] {
  const edits: Edit[] = [];
  const existing = new Set(entries.map((entry) => entry.key));
  for (const entry of entries) {
    if (removals.includes(entry.key)) {
      const start = lineStart(text, entry.keyStart);
      edits.push({ start, end: afterLineEnd(text, entry.valueEnd), text: '' });
      continue;
    }
    const value = updates[entry.key];
    if (value === undefined) continue;
    const style = entry.valueEvent.style;
    const block = style === SCALAR_STYLE.LITERAL_BLOCK || style === SCALAR_STYLE.FOLDED_BLOCK;
    // A block scalar's span ends after its last line break; keep one so the next key stays on its own line.
    const tail = block && text[entry.valueEnd - 1] === '\n' ? eol : '';
    edits.push({ start: entry.valueStart, end: entry.valueEnd, text: formatScalar(value, style) + tail });
  }
  const added = Object.keys(updates).filter((key) => !existing.has(key));
  const last = entries.at(-1);
  const first = entries[0];
  if (added.length > 0 && last && first) {
    const indent = text.slice(lineStart(text, first.keyStart), first.keyStart);
    const at = removals.includes(last.key) ? lineStart(text, last.keyStart) : afterLineEnd(text, last.valueEnd);
    const lead = at === text.length && !text.endsWith('\n') ? eol : '';
    const lines = added.map((key) => `${indent}${formatScalar(key)}: ${formatScalar(updates[key] ?? '')}${eol}`);
    edits.push({ start: at, end: at, text: lead + lines.join('') });
  }
  return edits;
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}

/** `encryptedData: {}` → a block mapping holding the new keys, indented one step below `spec:`'s keys. */
function fillEmptyFlowMapping(
  text: string,
  start: number,
  specIndent: string,
  updates: Record<string, string>,
  eol: string,
  fail: Fail,
): Edit {
  const match = /^\{[ \t]*\}/.exec(text.slice(start));
  if (!match) fail('it is a flow mapping');
  const indent = `${specIndent}  `;
  const lines = Object.entries(updates).map(
    ([key, value]) => `${eol}${indent}${formatScalar(key)}: ${formatScalar(value)}`,
  );
  let begin = start;
  while (begin > 0 && (text[begin - 1] === ' ' || text[begin - 1] === '\t')) begin -= 1;
  return { start: begin, end: start + match[0].length, text: lines.join('') };
}

function editYaml(
  text: string,
  documentIndex: number,
  options: ReplaceEncryptedDataOptions,
  updates: Record<string, string>,
  removals: readonly string[],
  fail: Fail,
): string {
  const events = parseEvents(text, {});
  const root = buildEventTrees(events)[documentIndex];
  let target: EventNode | undefined = root ?? undefined;
  if (options.item !== undefined) {
    const items = findPair(target, 'items', text);
    target = items?.kind === 'sequence' ? items.items[options.item] : undefined;
  }
  const spec = findPair(target, 'spec', text);
  if (spec?.kind !== 'mapping') fail('spec is not a block mapping written out in the file');
  const data = findPair(spec, 'encryptedData', text);
  if (data?.kind !== 'mapping') fail('encryptedData is not a mapping written out in the file');
  if (hasProperties(data.event)) fail('encryptedData carries an anchor or tag');
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (data.event.style === COLLECTION_STYLE.FLOW) {
    if (data.pairs.length > 0) fail('it is a flow mapping');
    const firstSpecKey = spec.pairs[0]?.key;
    const specKeyStart = firstSpecKey?.kind === 'scalar' ? firstSpecKey.event.valueStart : 0;
    const quoted = firstSpecKey?.kind === 'scalar' && firstSpecKey.event.style !== SCALAR_STYLE.PLAIN;
    const keyStart = quoted ? specKeyStart - 1 : specKeyStart;
    const specIndent = text.slice(lineStart(text, keyStart), keyStart);
    if (specIndent.trim() !== '') fail('spec is not a block mapping');
    return applyEdits(text, [fillEmptyFlowMapping(text, data.event.start, specIndent, updates, eol, fail)]);
  }
  const entries = readEntries(text, data, fail);
  return applyEdits(text, planEdits(text, entries, updates, removals, eol));
}

function editJson(
  parsed: unknown,
  documentIndex: number,
  options: ReplaceEncryptedDataOptions,
  updates: Record<string, string>,
  removals: readonly string[],
  eol: string,
  fail: Fail,
): string {
  if (documentIndex !== 0) fail('a JSON file holds a single document');
  const data = encryptedDataOf(targetOf(parsed, options.item));
  if (!data) fail('spec.encryptedData is not an object');
  for (const key of removals) delete data[key];
  Object.assign(data, updates);
  return `${JSON.stringify(parsed, null, 2)}\n`.replaceAll('\n', eol);
}

/** Re-reads an edited file and throws unless only the target's encryptedData changed, to exactly `expected`. */
export function verifyEdit(
  before: readonly JsonValue[],
  text: string,
  source: string,
  documentIndex: number,
  item: number | undefined,
  expected: Record<string, unknown>,
): void {
  const fail = (cause: string): never => {
    throw new ManifestError(ManifestErrorCode.EditVerificationFailed, `${source}: edit not written: ${cause}`);
  };
  let after: JsonValue[];
  try {
    after = loadDocuments(text, { source });
  } catch {
    return fail('the edited file does not parse');
  }
  if (after.length !== before.length) fail('the number of documents changed');
  after.forEach((document, index) => {
    if (index !== documentIndex && !isDeepStrictEqual(document, before[index])) fail(`document ${index} changed`);
  });
  const wanted = structuredClone(before[documentIndex]);
  const wantedData = encryptedDataOf(targetOf(wanted, item));
  if (!wantedData) return fail('target lost spec.encryptedData');
  for (const key of Object.keys(wantedData)) delete wantedData[key];
  Object.assign(wantedData, expected);
  if (!isDeepStrictEqual(after[documentIndex], wanted))
    fail(`document ${documentIndex} does not hold the expected data`);
}

/**
 * Rewrites `spec.encryptedData` of one document in a YAML file while keeping every other byte: values of
 * existing keys are replaced in place, new keys are appended after the last one at the same indentation,
 * removed keys lose their lines. JSON files are re-serialised (2-space, key order kept). Shapes that cannot be
 * edited safely (flow mappings, anchors, merge keys) are refused, and the result is re-parsed and compared
 * with the intended change before it is returned, so a broken file is never produced.
 */
export function replaceEncryptedData(
  text: string,
  documentIndex: number,
  updates: Record<string, string>,
  removals: readonly string[] = [],
  options: ReplaceEncryptedDataOptions = {},
): string {
  const source = options.source ?? 'manifest';
  const where = `${source} document ${documentIndex}${options.item === undefined ? '' : ` item ${options.item}`}`;
  const fail: Fail = unsupported(where);
  for (const key of [...Object.keys(updates), ...removals]) {
    if (!isValidSecretKey(key)) fail(`key ${quoteName(key)} is not a valid Secret key`);
  }
  if (removals.some((key) => Object.hasOwn(updates, key))) fail('a key is both updated and removed');
  for (const [key, value] of Object.entries(updates)) {
    if (typeof value !== 'string' || value === '') fail(`the new value for ${quoteName(key)} is empty`);
  }

  const before = loadDocuments(text, { source });
  const current = encryptedDataOf(targetOf(before[documentIndex], options.item));
  if (!current) fail('it has no spec.encryptedData mapping');
  const expected = expectedData(current, updates, removals);
  if (Object.keys(expected).length === 0) fail('it would leave encryptedData empty');

  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = text.slice(bom.length);
  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  const json = looksLikeJson(body) ? tryParseJson(body) : undefined;
  const edited =
    json === undefined
      ? editYaml(body, documentIndex, options, updates, removals, fail)
      : editJson(json, documentIndex, options, updates, removals, eol, fail);
  const result = bom + edited;
  verifyEdit(before, result, source, documentIndex, options.item, expected);
  return result;
}
