import { KubeError, readObject } from '@gitseal/kube';
import { loadDocuments, type HelmValuesReference } from '@gitseal/manifests';
import type { ObjectApi } from './live-objects.js';
import { SyncError, SyncErrorCode } from './sync-error.js';

export type Values = Record<string, unknown>;

const MAX_VALUES_BYTES = 1024 * 1024;

const isMap = (value: unknown): value is Values => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Helm's merge of values: maps merge key by key, anything else replaces, and a null removes the key (as `helm
 * --set key=null` and a values file's `key: null` do).
 */
export function mergeValues(base: Values, override: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else if (isMap(value) && isMap(out[key])) out[key] = mergeValues(out[key], value);
    else out[key] = value;
  }
  return out;
}

/** One valuesFrom entry's YAML, read as a map; `where` names it (never its content) in errors. */
export function parseValues(text: string, where: string): Values {
  let documents: unknown[];
  try {
    documents = loadDocuments(text, { source: where, maxBytes: MAX_VALUES_BYTES, maxDocuments: 1 });
  } catch {
    throw new SyncError(SyncErrorCode.RenderFailed, `${where}: not valid YAML`);
  }
  const [values] = documents;
  if (values === undefined || values === null) return {};
  if (!isMap(values)) throw new SyncError(SyncErrorCode.RenderFailed, `${where}: values must be a YAML mapping`);
  return values;
}

/**
 * The values of spec.helm.valuesFrom, merged in order, read with `reader` (the GitSync's own identity, so a tenant
 * reads no more than its ServiceAccount may). A missing object or key fails the sync unless `optional`.
 */
export async function readValuesFrom(
  refs: readonly HelmValuesReference[],
  namespace: string,
  reader: ObjectApi,
): Promise<Values> {
  let values: Values = {};
  for (const [index, ref] of refs.entries()) {
    const key = ref.valuesKey ?? 'values.yaml';
    const where = `spec.helm.valuesFrom[${index}]: ${ref.kind} ${namespace}/${ref.name} key ${key}`;
    let object: { data?: Record<string, string> } | undefined;
    try {
      const target = { apiVersion: 'v1', kind: ref.kind, metadata: { name: ref.name, namespace } };
      object = (await readObject(reader, target)) as { data?: Record<string, string> } | undefined;
    } catch (error) {
      const status = error instanceof KubeError ? error.status : undefined;
      const why = status === 403 ? 'forbidden for the GitSync’s identity' : `could not be read (${status ?? 'error'})`;
      throw new SyncError(SyncErrorCode.RenderFailed, `${where}: ${why}`);
    }
    const raw = object?.data?.[key];
    if (raw === undefined) {
      if (ref.optional === true) continue;
      throw new SyncError(SyncErrorCode.RenderFailed, `${where}: ${object ? 'no such key' : 'not found'}`);
    }
    const text = ref.kind === 'Secret' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    values = mergeValues(values, parseValues(text, where));
  }
  return values;
}
