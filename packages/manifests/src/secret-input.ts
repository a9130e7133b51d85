import { decodeBase64Strict, isStrictBase64, Redacted } from '@gitseal/crypto';
import { describeObjectInFile } from './describe-object-in-file.js';
import { ManifestError, ManifestErrorCode } from './errors.js';
import { isValidNamespace, isValidObjectName, isValidSecretKey, quoteName } from './names.js';
import { isPlainObject, type ObjectMeta } from './object-meta.js';
import { SecretType } from './secret.js';

/** A plain Secret read for sealing: values decoded and wrapped so they cannot leak into logs. */
export interface SecretInput {
  metadata: ObjectMeta;
  type: string;
  immutable: boolean | undefined;
  data: Map<string, Redacted>;
}

function fail(where: string, cause: string): never {
  throw new ManifestError(ManifestErrorCode.InvalidSecret, `${where}: ${cause}`);
}

function checkKey(where: string, field: string, key: string): void {
  if (!isValidSecretKey(key)) {
    fail(where, `${field} key ${quoteName(key)} is not a valid Secret key (want [-._a-zA-Z0-9]+, at most 253)`);
  }
}

function readMetadata(where: string, value: unknown): ObjectMeta {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) fail(where, 'metadata is not a mapping');
  const { name, namespace } = value;
  if (name !== undefined && (typeof name !== 'string' || !isValidObjectName(name))) {
    fail(where, 'metadata.name is not a valid object name');
  }
  if (namespace !== undefined && (typeof namespace !== 'string' || !isValidNamespace(namespace))) {
    fail(where, 'metadata.namespace is not a valid namespace');
  }
  return value as ObjectMeta;
}

function readStringMap(where: string, field: string, value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) fail(where, `${field} is not a mapping`);
  return value;
}

/**
 * Validates a `v1` Secret and returns its values decoded. `stringData` is folded over `data` (it wins, as in
 * the API server). Errors name the key at fault, never its value. No values at all is refused unless `allowEmpty`
 * (kubeseal's --allow-empty-data).
 */
export function readSecret(object: unknown, source: string, options: { allowEmpty?: boolean } = {}): SecretInput {
  const where = describeObjectInFile(object, source);
  if (!isPlainObject(object)) fail(where, 'expected a v1 Secret, got something that is not a mapping');
  if (object['apiVersion'] !== 'v1' || object['kind'] !== 'Secret') {
    fail(where, `expected a v1 Secret, got ${String(object['apiVersion'])} ${String(object['kind'])}`);
  }
  const metadata = readMetadata(where, object['metadata']);
  const type = object['type'] ?? SecretType.Opaque;
  if (typeof type !== 'string' || type === '') fail(where, 'type is not a string');
  const immutable = object['immutable'];
  if (immutable !== undefined && immutable !== null && typeof immutable !== 'boolean') {
    fail(where, 'immutable is not a boolean');
  }

  const data = new Map<string, Redacted>();
  for (const [key, value] of Object.entries(readStringMap(where, 'data', object['data']))) {
    checkKey(where, 'data', key);
    if (typeof value !== 'string') fail(where, `data.${key} is not a string`);
    if (!isStrictBase64(value)) fail(where, `data.${key} is not valid base64`);
    data.set(key, new Redacted(decodeBase64Strict(value, `data.${key}`)));
  }
  for (const [key, value] of Object.entries(readStringMap(where, 'stringData', object['stringData']))) {
    checkKey(where, 'stringData', key);
    if (typeof value !== 'string') fail(where, `stringData.${key} is not a string (quote it in YAML)`);
    data.set(key, Redacted.fromString(value));
  }
  if (data.size === 0 && !options.allowEmpty) {
    fail(where, 'has no data and no stringData (pass --allow-empty-data to seal it anyway)');
  }
  return { metadata, type, immutable: typeof immutable === 'boolean' ? immutable : undefined, data };
}
