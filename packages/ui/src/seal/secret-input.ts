// Reads what the user typed on the Seal page (a Secret in YAML, or key/value pairs) into the items to seal. Runs in
// the browser only: nothing here is sent anywhere.
import { load } from 'js-yaml';

export interface SecretItem {
  readonly key: string;
  readonly value: Uint8Array;
}

export interface SecretInput {
  readonly name?: string;
  readonly namespace?: string;
  readonly type: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly items: readonly SecretItem[];
}

/** Secret data keys: `[-._a-zA-Z0-9]+`, at most 253 characters. */
export const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
const SCOPE_ANNOTATIONS = [
  'gitseal.dev/namespace-wide',
  'gitseal.dev/cluster-wide',
  'sealedsecrets.bitnami.com/namespace-wide',
  'sealedsecrets.bitnami.com/cluster-wide',
];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringMap(value: unknown, what: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new Error(`${what} must be a map`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new Error(`${what}: the value of ${JSON.stringify(k)} must be a string`);
    out[k] = v;
  }
  return out;
}

function decodeBase64(text: string, key: string): Uint8Array {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) {
    throw new Error(`data key ${JSON.stringify(key)}: not base64 (use stringData for plain text)`);
  }
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function checkKey(key: string): string {
  if (!SECRET_KEY.test(key)) throw new Error(`${JSON.stringify(key.slice(0, 60))} is not a valid Secret key`);
  return key;
}

/** A Secret manifest in YAML (or JSON): its metadata, type, and data (base64) plus stringData (text). */
export function parseSecretYaml(text: string): SecretInput {
  let doc: unknown;
  try {
    doc = load(text);
  } catch {
    throw new Error('the Secret is not valid YAML'); // js-yaml's message quotes the input: never shown
  }
  if (!isRecord(doc) || doc['kind'] !== 'Secret') throw new Error('expected one object of kind Secret');
  const metadata = isRecord(doc['metadata']) ? doc['metadata'] : {};
  const items = new Map<string, Uint8Array>();
  const data = stringMap(doc['data'], 'data') ?? {};
  for (const [key, value] of Object.entries(data)) items.set(checkKey(key), decodeBase64(value, key));
  const stringData = stringMap(doc['stringData'], 'stringData') ?? {};
  for (const [key, value] of Object.entries(stringData)) items.set(checkKey(key), new TextEncoder().encode(value));
  const annotations = stringMap(metadata['annotations'], 'metadata.annotations');
  const kept = annotations && Object.entries(annotations).filter(([k]) => !SCOPE_ANNOTATIONS.includes(k));
  return {
    ...(typeof metadata['name'] === 'string' ? { name: metadata['name'] } : {}),
    ...(typeof metadata['namespace'] === 'string' ? { namespace: metadata['namespace'] } : {}),
    type: typeof doc['type'] === 'string' ? doc['type'] : 'Opaque',
    ...(stringMap(metadata['labels'], 'metadata.labels') ? { labels: stringMap(metadata['labels'], 'labels') } : {}),
    ...(kept && kept.length > 0 ? { annotations: Object.fromEntries(kept) } : {}),
    items: [...items.entries()].map(([key, value]) => ({ key, value })),
  };
}

/** Key/value rows as typed (values are UTF-8 text); empty rows are skipped, a repeated key is refused. */
export function pairsToItems(pairs: readonly { key: string; value: string }[]): SecretItem[] {
  const seen = new Set<string>();
  const items: SecretItem[] = [];
  for (const pair of pairs) {
    if (pair.key.trim() === '' && pair.value === '') continue;
    const key = checkKey(pair.key.trim());
    if (seen.has(key)) throw new Error(`key ${JSON.stringify(key)} is given twice`);
    seen.add(key);
    items.push({ key, value: new TextEncoder().encode(pair.value) });
  }
  return items;
}
