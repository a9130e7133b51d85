import { isStrictBase64 } from '@gitseal/crypto';
import { isSealedSecretApiVersion } from './api-versions.js';
import { describeObjectInFile } from './describe-object-in-file.js';
import { ManifestError, ManifestErrorCode } from './errors.js';
import { isValidNamespace, isValidObjectName, isValidSecretKey, quoteName } from './names.js';
import { isPlainObject } from './object-meta.js';
import type { SealedSecret } from './sealed-secret.js';

const ENVELOPE_V2 = /^gs2:[A-Za-z0-9_-]+:[A-Za-z0-9_-]*:[A-Za-z0-9+/=]+$/;

function fail(where: string, cause: string): never {
  throw new ManifestError(ManifestErrorCode.InvalidSealedSecret, `${where}: ${cause}`);
}

/** A sealed value is Bitnami v1 (plain base64) or a gitseal v2 envelope; this checks the shape only. */
export function isSealedValueShape(value: string): boolean {
  return value !== '' && (isStrictBase64(value) || ENVELOPE_V2.test(value));
}

function checkStringMap(where: string, field: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (!isPlainObject(value)) fail(where, `${field} is not a mapping`);
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') fail(where, `${field}[${quoteName(key)}] is not a string`);
  }
}

function checkEncryptedData(where: string, value: unknown): void {
  if (value === undefined || value === null) fail(where, 'spec.encryptedData is missing');
  if (!isPlainObject(value)) fail(where, 'spec.encryptedData is not a mapping');
  for (const [key, item] of Object.entries(value)) {
    if (!isValidSecretKey(key)) fail(where, `spec.encryptedData key ${quoteName(key)} is not a valid Secret key`);
    if (typeof item !== 'string') fail(where, `spec.encryptedData.${key} is not a string`);
    if (!isSealedValueShape(item)) fail(where, `spec.encryptedData.${key} is not a sealed value`);
  }
}

function checkTemplate(where: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (!isPlainObject(value)) fail(where, 'spec.template is not a mapping');
  const { metadata, type, immutable, data } = value;
  if (type !== undefined && type !== null && typeof type !== 'string')
    fail(where, 'spec.template.type is not a string');
  if (immutable !== undefined && immutable !== null && typeof immutable !== 'boolean') {
    fail(where, 'spec.template.immutable is not a boolean');
  }
  checkStringMap(where, 'spec.template.data', data);
  if (metadata === undefined || metadata === null) return;
  if (!isPlainObject(metadata)) fail(where, 'spec.template.metadata is not a mapping');
  checkStringMap(where, 'spec.template.metadata.labels', metadata['labels']);
  checkStringMap(where, 'spec.template.metadata.annotations', metadata['annotations']);
}

/** Checks that an object read from a manifest is a well-formed SealedSecret and returns it typed. */
export function validateSealedSecret(object: unknown, source: string): SealedSecret {
  const where = describeObjectInFile(object, source);
  if (!isPlainObject(object)) fail(where, 'expected a SealedSecret, got something that is not a mapping');
  if (object['kind'] !== 'SealedSecret') fail(where, `expected kind SealedSecret, got ${String(object['kind'])}`);
  if (!isSealedSecretApiVersion(object['apiVersion'])) {
    fail(where, `unknown apiVersion ${quoteName(String(object['apiVersion']))} for SealedSecret`);
  }
  const metadata = object['metadata'];
  if (!isPlainObject(metadata)) fail(where, 'metadata is missing');
  const { name, namespace } = metadata;
  if (typeof name !== 'string' || !isValidObjectName(name)) fail(where, 'metadata.name is missing or invalid');
  if (namespace !== undefined && (typeof namespace !== 'string' || !isValidNamespace(namespace))) {
    fail(where, 'metadata.namespace is invalid');
  }
  checkStringMap(where, 'metadata.labels', metadata['labels']);
  checkStringMap(where, 'metadata.annotations', metadata['annotations']);
  const spec = object['spec'];
  if (!isPlainObject(spec)) fail(where, 'spec is missing or not a mapping');
  checkEncryptedData(where, spec['encryptedData']);
  checkTemplate(where, spec['template']);
  return object as unknown as SealedSecret;
}
