import { constructFromEvents, parseEvents, YAMLException, EVENT_ID, type Event } from 'js-yaml';
import { checkAliasBudget } from './alias-budget.js';
import { ManifestError, ManifestErrorCode } from './errors.js';
import { findDuplicateJsonKey, looksLikeJson, tryParseJson } from './json-input.js';
import { KUBE_YAML_SCHEMA } from './kube-yaml-schema.js';
import { isPlainObject, type KubeObject } from './object-meta.js';
import { toJsonValue, type JsonValue } from './to-json-value.js';
import { safeYamlReason } from './yaml-reason.js';

export const DEFAULT_MANIFEST_LIMITS = {
  maxBytes: 8 * 1024 * 1024,
  maxDocuments: 10_000,
  maxAliases: 10_000,
  maxAliasExpansion: 100_000,
  maxDepth: 100,
} as const;

export interface ManifestLimits {
  /** Input size in UTF-8 bytes. */
  maxBytes?: number;
  /** YAML documents in the file, and objects after expanding Lists. */
  maxDocuments?: number;
  maxAliases?: number;
  /** Nodes that alias expansion may add across the file. */
  maxAliasExpansion?: number;
  maxDepth?: number;
}

export interface ParseManifestsOptions extends ManifestLimits {
  /** File name (or other origin) used in messages. */
  source: string;
}

export interface ParsedManifest {
  object: KubeObject;
  source: string;
  /** Position of the YAML document in the file, counting empty documents. */
  index: number;
  /** Position inside a `List` document's items, when the object came from one. */
  item?: number;
}

function resolveLimits(options: ManifestLimits): Required<ManifestLimits> {
  return { ...DEFAULT_MANIFEST_LIMITS, ...stripUndefined(options) };
}

function stripUndefined(options: ManifestLimits): ManifestLimits {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

function yamlError(source: string, error: unknown): ManifestError {
  if (error instanceof ManifestError) return error;
  if (error instanceof YAMLException) {
    // The message carries a snippet of the input and the reason may quote tags or alias names, any of which
    // may be secret: use the position and the reason with its quoted fragments replaced.
    const at = error.mark ? ` at line ${error.mark.line + 1}, column ${error.mark.column + 1}` : '';
    const reason = safeYamlReason(error.reason);
    return new ManifestError(ManifestErrorCode.InvalidYaml, `${source}: invalid YAML${at}: ${reason}`);
  }
  return new ManifestError(ManifestErrorCode.InvalidYaml, `${source}: invalid YAML`);
}

/**
 * Loads every document of a YAML (or JSON) file as plain JSON data, `null` for empty documents, with the
 * size, document, alias and depth caps applied. The building block of parseManifests and of edit checks.
 */
export function loadDocuments(text: string, options: ParseManifestsOptions): JsonValue[] {
  const limits = resolveLimits(options);
  const { source } = options;
  if (Buffer.byteLength(text, 'utf8') > limits.maxBytes) {
    throw new ManifestError(ManifestErrorCode.TooLarge, `${source}: larger than ${limits.maxBytes} bytes`);
  }
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (looksLikeJson(input)) {
    const json = tryParseJson(input);
    if (json !== undefined) {
      const duplicate = findDuplicateJsonKey(input);
      if (duplicate !== undefined) {
        throw new ManifestError(
          ManifestErrorCode.InvalidJson,
          `${source}: invalid JSON at line ${duplicate.line}, column ${duplicate.column}: duplicated mapping key`,
        );
      }
      return [toJsonValue(json, limits.maxDepth, `${source} document 0`)];
    }
  }
  let events: Event[];
  let documents: unknown[];
  try {
    events = parseEvents(input, { filename: source, maxDepth: limits.maxDepth });
    const count = events.reduce((n, e) => (e.type === EVENT_ID.DOCUMENT ? n + 1 : n), 0);
    if (count > limits.maxDocuments) {
      throw new ManifestError(
        ManifestErrorCode.TooManyDocuments,
        `${source}: more than ${limits.maxDocuments} documents`,
      );
    }
    checkAliasBudget(input, events, limits, source);
    documents = constructFromEvents(events, {
      source: input,
      filename: source,
      schema: KUBE_YAML_SCHEMA,
      maxAliases: limits.maxAliases,
    });
  } catch (error) {
    throw yamlError(source, error);
  }
  return documents.map((doc, index) => toJsonValue(doc, limits.maxDepth, `${source} document ${index}`));
}

function isListKind(kind: string, value: Record<string, unknown>): boolean {
  return kind === 'List' || (kind.endsWith('List') && Array.isArray(value['items']));
}

function asKubeObject(value: unknown, where: string): KubeObject {
  if (!isPlainObject(value)) {
    const what = Array.isArray(value) ? 'a sequence' : `a ${value === null ? 'null' : typeof value}`;
    throw new ManifestError(ManifestErrorCode.NotAnObject, `${where}: expected a Kubernetes object, got ${what}`);
  }
  const { apiVersion, kind } = value;
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    throw new ManifestError(ManifestErrorCode.InvalidObject, `${where}: apiVersion is missing or not a string`);
  }
  if (typeof kind !== 'string' || kind === '') {
    throw new ManifestError(ManifestErrorCode.InvalidObject, `${where}: kind is missing or not a string`);
  }
  if (value['metadata'] !== undefined && value['metadata'] !== null && !isPlainObject(value['metadata'])) {
    throw new ManifestError(ManifestErrorCode.InvalidObject, `${where}: metadata is not a mapping`);
  }
  return value as KubeObject;
}

/**
 * Reads Kubernetes manifests the way kubectl does: multi-document YAML 1.1 or JSON, empty documents dropped,
 * `List` kinds expanded into their items. Every result names its file and document for later messages.
 */
export function parseManifests(text: string, options: ParseManifestsOptions): ParsedManifest[] {
  const limits = resolveLimits(options);
  const { source } = options;
  const out: ParsedManifest[] = [];
  const push = (entry: ParsedManifest): void => {
    if (out.length >= limits.maxDocuments) {
      throw new ManifestError(
        ManifestErrorCode.TooManyDocuments,
        `${source}: more than ${limits.maxDocuments} objects`,
      );
    }
    out.push(entry);
  };
  loadDocuments(text, options).forEach((document, index) => {
    if (document === null) return;
    const where = `${source} document ${index}`;
    const object = asKubeObject(document, where);
    if (!isListKind(object.kind, object)) {
      push({ object, source, index });
      return;
    }
    const items = object['items'];
    if (items === null || items === undefined) return;
    if (!Array.isArray(items)) {
      throw new ManifestError(ManifestErrorCode.InvalidObject, `${where}: ${object.kind} items is not a sequence`);
    }
    items.forEach((item, position) => {
      push({ object: asKubeObject(item, `${where} item ${position}`), source, index, item: position });
    });
  });
  return out;
}
