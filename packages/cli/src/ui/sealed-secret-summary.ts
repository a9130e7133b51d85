import { inspectSealedValue, isEnvelopeV2 } from '@gitseal/crypto';
import { scopeOf, type UiScope, type UiSealedSecret } from '@gitseal/manifests';
import { printable } from '../printable.js';

/** A SealedSecret as the API server sends it, read defensively. */
export interface SealedSecretJson {
  readonly metadata?: {
    readonly namespace?: string;
    readonly name?: string;
    readonly creationTimestamp?: string;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec?: { readonly encryptedData?: unknown; readonly template?: unknown };
  readonly status?: { readonly conditions?: unknown; readonly keyFingerprint?: unknown };
}

interface ConditionJson {
  readonly type?: unknown;
  readonly status?: unknown;
  readonly reason?: unknown;
  readonly message?: unknown;
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

function condition(object: SealedSecretJson, type: string): ConditionJson | undefined {
  const list = Array.isArray(object.status?.conditions) ? (object.status.conditions as unknown[]) : [];
  return list.find(
    (c): c is ConditionJson => typeof c === 'object' && c !== null && (c as ConditionJson).type === type,
  );
}

/** The scope a v2 value's clear label tells: empty cluster-wide, `ns/name` strict, `ns` namespace-wide. */
function scopeOfLabel(label: string): UiScope {
  if (label === '') return 'cluster-wide';
  return label.includes('/') ? 'strict' : 'namespace-wide';
}

function scopeOfObject(object: SealedSecretJson): UiScope {
  try {
    return scopeOf(object);
  } catch {
    return 'strict'; // both scope annotations set: the controller refuses it, its Synced message says why
  }
}

/** What the values' framing tells without any key: the envelopes used, and a v2 label that disagrees with the scope. */
function inspectValues(values: readonly unknown[], scope: UiScope) {
  const envelopes = new Set<string>();
  let mismatch: string | undefined;
  for (const value of values) {
    if (typeof value !== 'string') continue;
    envelopes.add(isEnvelopeV2(value) ? 'v2' : 'v1');
    if (mismatch !== undefined || !isEnvelopeV2(value)) continue;
    try {
      const info = inspectSealedValue(value);
      if (info.envelope === 'v2' && scopeOfLabel(info.scopeLabel) !== scope) {
        mismatch = `a value is sealed ${scopeOfLabel(info.scopeLabel)}, the annotations say ${scope}`;
      }
    } catch {
      mismatch = 'a value is not a well-formed v2 envelope';
    }
  }
  const envelope = envelopes.size === 0 ? 'none' : envelopes.size > 1 ? 'mixed' : envelopes.has('v2') ? 'v2' : 'v1';
  return { envelope: envelope as UiSealedSecret['envelope'], mismatch };
}

/** The Synced condition's status, reason and message, made printable. */
function syncedFields(synced: ConditionJson | undefined): Pick<UiSealedSecret, 'synced' | 'reason' | 'message'> {
  return {
    synced: typeof synced?.status === 'string' ? printable(synced.status, 10) : 'Unknown',
    ...(typeof synced?.reason === 'string' ? { reason: printable(synced.reason, 100) } : {}),
    ...(typeof synced?.message === 'string' ? { message: printable(synced.message, 300) } : {}),
  };
}

/**
 * One row of the SealedSecrets page: the Synced condition, the keys that opened it, the scope (annotations, checked
 * against v2 labels) and the Secret's key names. Ciphertext is inspected for its framing only and never sent.
 */
export function summarizeSealedSecret(object: SealedSecretJson): UiSealedSecret {
  const namespace = object.metadata?.namespace ?? '';
  const name = object.metadata?.name ?? '';
  const data = object.spec?.encryptedData;
  const items =
    typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const synced = condition(object, 'Synced');
  const compromised = condition(object, 'KeyCompromised');
  const scope = scopeOfObject(object);
  const { envelope, mismatch } = inspectValues(Object.values(items), scope);
  const fingerprints = typeof object.status?.keyFingerprint === 'string' ? object.status.keyFingerprint : '';
  return {
    key: `${namespace}/${name}`,
    namespace,
    name,
    ...syncedFields(synced),
    keyFingerprints: fingerprints.split(',').filter((f) => FINGERPRINT.test(f)),
    scope,
    ...(mismatch === undefined ? {} : { scopeMismatch: mismatch }),
    envelope,
    keys: Object.keys(items)
      .map((k) => printable(k, 253))
      .sort(),
    compromised: compromised?.status === 'True',
    ...(object.metadata?.creationTimestamp ? { createdAt: object.metadata.creationTimestamp } : {}),
  };
}
