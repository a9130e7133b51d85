import { APPLIED_DIGEST_ANNOTATION } from '@gitseal/sync';
import { diffFields, type FieldChange } from './field-diff.js';
import { diffEncryptedData, diffSecretData, KeyChange, type KeyDiff } from './secret-key-diff.js';

export const DiffAction = {
  Created: 'created',
  Changed: 'changed',
  Unchanged: 'unchanged',
  Pruned: 'pruned',
} as const;
export type DiffAction = (typeof DiffAction)[keyof typeof DiffAction];

/** Objects whose values are never printed: only key names and added/removed/changed. */
export const SecretKind = { Secret: 'Secret', SealedSecret: 'SealedSecret' } as const;
export type SecretKind = (typeof SecretKind)[keyof typeof SecretKind];

export interface ObjectDiff {
  readonly action: DiffAction;
  /** `ConfigMap ns/name`. */
  readonly title: string;
  /** Where the object came from in the folder (`app/cm.yaml#0`); absent for pruned objects. */
  readonly source?: string;
  /** Set for Secrets and SealedSecrets: `fields` then hold paths only and must be printed without values. */
  readonly secretKind?: SecretKind;
  /** Field changes outside the secret data (for secret kinds: printed without values). */
  readonly fields: readonly FieldChange[];
  /** Per key of `data` (Secret) or `spec.encryptedData` (SealedSecret). */
  readonly keys: readonly KeyDiff[];
  /** A remark, e.g. why nothing could be compared. */
  readonly note?: string;
}

type Json = Record<string, unknown>;

/** Metadata the server owns; it differs between a dry run and the live object without anything changing. */
const SERVER_METADATA = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp'];

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON copy without `status` and server-owned metadata: what an apply can change. */
export function normalizeForDiff(object: unknown): Json {
  const copy = JSON.parse(JSON.stringify(object ?? {})) as Json;
  delete copy.status;
  if (isRecord(copy.metadata)) {
    for (const field of SERVER_METADATA) delete copy.metadata[field];
  }
  return copy;
}

function groupOf(apiVersion: unknown): string {
  const text = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = text.indexOf('/');
  return slash < 0 ? '' : text.slice(0, slash);
}

export function secretKindOf(object: { apiVersion?: unknown; kind?: unknown }): SecretKind | undefined {
  const group = groupOf(object.apiVersion);
  if (group === '' && object.kind === 'Secret') return SecretKind.Secret;
  if ((group === 'gitseal.dev' || group === 'bitnami.com') && object.kind === 'SealedSecret') {
    return SecretKind.SealedSecret;
  }
  return undefined;
}

/** Splits a secret object into its per-key map and the rest (the rest is diffed by path, never by value). */
function splitSecret(object: Json, kind: SecretKind): { keys: Json | undefined; rest: Json } {
  const rest = structuredClone(object);
  if (kind === SecretKind.Secret) {
    const keys = isRecord(rest.data) ? rest.data : undefined;
    delete rest.data;
    delete rest.stringData;
    return { keys, rest };
  }
  const spec = isRecord(rest.spec) ? rest.spec : {};
  const keys = isRecord(spec.encryptedData) ? spec.encryptedData : undefined;
  delete spec.encryptedData;
  // Template data may hold literal values next to the {{ }} references: keep them out of the output too.
  if (isRecord(spec.template)) delete spec.template.data;
  return { keys, rest };
}

/** The applied-digest annotation's path: it changes whenever anything else does, so it is only news on its own. */
const DIGEST_PATH = `metadata.annotations[${JSON.stringify(APPLIED_DIGEST_ANNOTATION)}]`;

/** Drops the applied-digest change when other changes explain it (the engine writes either way). */
function withoutDigestNoise(fields: readonly FieldChange[], keys: readonly KeyDiff[]): FieldChange[] {
  const others = fields.some((f) => f.path !== DIGEST_PATH) || keys.some((k) => k.change !== KeyChange.Unchanged);
  return others ? fields.filter((f) => f.path !== DIGEST_PATH) : [...fields];
}

function actionOf(live: unknown, fields: readonly FieldChange[], keys: readonly KeyDiff[]): DiffAction {
  if (live === undefined) return DiffAction.Created;
  const keyChanged = keys.some((k) => k.change !== KeyChange.Unchanged);
  return fields.length > 0 || keyChanged ? DiffAction.Changed : DiffAction.Unchanged;
}

/**
 * Compares what a server-side-apply dry run returned with the live object (undefined when there is none).
 * Secrets are compared per key by the SHA-256 of the decoded value, SealedSecrets per key by ciphertext.
 */
export function diffObject(input: { title: string; source?: string; dryRun: unknown; live: unknown }): ObjectDiff {
  const after = normalizeForDiff(input.dryRun);
  const before = input.live === undefined ? undefined : normalizeForDiff(input.live);
  const secretKind = secretKindOf(after);
  const base = { title: input.title, ...(input.source === undefined ? {} : { source: input.source }) };
  if (secretKind === undefined) {
    const fields = before === undefined ? [] : withoutDigestNoise(diffFields(before, after), []);
    return { ...base, action: actionOf(input.live, fields, []), fields, keys: [] };
  }
  const desired = splitSecret(after, secretKind);
  const current = before === undefined ? undefined : splitSecret(before, secretKind);
  const compare = secretKind === SecretKind.Secret ? diffSecretData : diffEncryptedData;
  const keys = compare(current?.keys, desired.keys);
  const fields = current === undefined ? [] : withoutDigestNoise(diffFields(current.rest, desired.rest), keys);
  return { ...base, action: actionOf(input.live, fields, keys), secretKind, fields, keys };
}
