import { isPlainObject, loadDocuments, ManifestError, type JsonValue } from '@gitseal/manifests';

/** One version of a chart in a Helm repository's index.yaml. */
export interface ChartIndexEntry {
  readonly version: string;
  readonly urls: readonly string[];
  /** `sha256:<hex>` when the index gives a digest. */
  readonly digest?: string;
}

/** A malformed index.yaml: the message says what, never quoting the file. */
export class ChartIndexError extends Error {
  override readonly name = 'ChartIndexError';
}

const HEX_DIGEST = /^(?:sha256:)?([a-f0-9]{64})$/i;

/** Reads index.yaml (one YAML document, alias and depth caps from @gitseal/manifests) and returns `name`'s entries. */
export function chartIndexEntries(text: string, name: string, maxBytes: number): ChartIndexEntry[] {
  let documents: JsonValue[];
  try {
    documents = loadDocuments(text, { source: 'index.yaml', maxBytes, maxDocuments: 1 });
  } catch (error) {
    if (error instanceof ManifestError) throw new ChartIndexError(error.message);
    throw error;
  }
  const index = documents[0];
  if (!isPlainObject(index)) throw new ChartIndexError('index.yaml: not a mapping');
  const entries = (index as Record<string, JsonValue>)['entries'];
  if (!isPlainObject(entries)) throw new ChartIndexError('index.yaml: entries is missing or not a mapping');
  if (!Object.hasOwn(entries, name)) return [];
  const versions = (entries as Record<string, JsonValue>)[name];
  if (versions === null) return [];
  if (!Array.isArray(versions)) throw new ChartIndexError(`index.yaml: entries.${name} is not a list`);
  return versions.map((entry, i) => readEntry(entry, `entries.${name}[${i}]`));
}

function readEntry(entry: JsonValue, where: string): ChartIndexEntry {
  if (!isPlainObject(entry)) throw new ChartIndexError(`index.yaml: ${where} is not a mapping`);
  const e = entry as Record<string, JsonValue>;
  const version = typeof e['version'] === 'number' ? String(e['version']) : e['version'];
  if (typeof version !== 'string' || version === '')
    throw new ChartIndexError(`index.yaml: ${where}.version is missing`);
  const urls = e['urls'];
  if (!Array.isArray(urls) || urls.length === 0 || !urls.every((u) => typeof u === 'string' && u !== '')) {
    throw new ChartIndexError(`index.yaml: ${where}.urls is missing or not a list of strings`);
  }
  const digest = e['digest'];
  if (digest === undefined || digest === null || digest === '') return { version, urls: urls as string[] };
  const hex = typeof digest === 'string' ? HEX_DIGEST.exec(digest)?.[1] : undefined;
  if (hex === undefined) throw new ChartIndexError(`index.yaml: ${where}.digest is not a sha256 digest`);
  return { version, urls: urls as string[], digest: `sha256:${hex.toLowerCase()}` };
}

/** Where index.yaml lives and what chart URLs are relative to: the repository URL with one trailing slash. */
export function repositoryBase(url: string): URL {
  const base = new URL(url);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  base.hash = '';
  return base;
}
