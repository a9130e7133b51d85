import {
  createKeyRing,
  createHeldKey,
  CryptoError,
  Redacted,
  type HeldKey,
  type PrivateKeyRing,
} from '@gitseal/crypto';
import { Label, type Secret } from '@gitseal/manifests';
import { ControllerError, ControllerErrorCode } from './controller-error.js';

/** What a key Secret's label says about it. */
export const KeyState = {
  /** May seal (the newest active key does) and decrypt. */
  Active: 'active',
  /** Decrypts, never seals. */
  DecryptOnly: 'decrypt-only',
  /** Still decrypts, but every object that uses it is reported. */
  Compromised: 'compromised',
} as const;
export type KeyState = (typeof KeyState)[keyof typeof KeyState];

export const KeySource = { Gitseal: 'gitseal', Bitnami: 'bitnami' } as const;
export type KeySource = (typeof KeySource)[keyof typeof KeySource];

/** One key Secret, read and checked. */
export interface ManagedKey {
  readonly held: HeldKey;
  readonly state: KeyState;
  readonly source: KeySource;
  readonly secretName: string;
  readonly certificatePem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The Secret's creationTimestamp: breaks ties between certificates of the same notBefore. */
  readonly createdAt: Date;
}

/** Every key the controller holds at one moment. */
export interface KeySet {
  /** All keys, newest first: every one of them decrypts. */
  readonly ring: PrivateKeyRing;
  readonly keys: readonly ManagedKey[];
  readonly byId: ReadonlyMap<string, ManagedKey>;
  /** The newest active key: the one that seals and is served at /v1/cert.pem. */
  readonly sealing: ManagedKey | undefined;
}

function stateOf(value: string | undefined, source: KeySource): KeyState {
  // Bitnami marks its keys `active` or `compromised`; any other value of ours is a typo and must not seal.
  if (value === KeyState.Active || value === KeyState.Compromised) return value;
  if (value === KeyState.DecryptOnly) return value;
  return source === KeySource.Bitnami && value === '' ? KeyState.Active : KeyState.DecryptOnly;
}

/** Reads a `kubernetes.io/tls` key Secret; the error names the Secret, never its contents. */
export function readKeySecret(secret: Secret, source: KeySource): ManagedKey {
  const name = `${secret.metadata.namespace ?? ''}/${secret.metadata.name ?? ''}`;
  const labelName = source === KeySource.Bitnami ? Label.BitnamiSealingKey : Label.SealingKey;
  const crt = secret.data?.['tls.crt'];
  const key = secret.data?.['tls.key'];
  if (!crt || !key) {
    throw new ControllerError(ControllerErrorCode.InvalidKeySecret, `key Secret ${name}: needs tls.crt and tls.key`);
  }
  const keyPem = new Redacted(Buffer.from(key, 'base64'));
  let held: HeldKey;
  try {
    held = createHeldKey({ keyPem, certPem: Buffer.from(crt, 'base64').toString('utf8'), name: `key Secret ${name}` });
  } catch (error) {
    const why = error instanceof CryptoError ? error.message : `key Secret ${name}: unreadable key or certificate`;
    throw new ControllerError(ControllerErrorCode.InvalidKeySecret, why);
  } finally {
    keyPem.wipe();
  }
  if (!held.certificate || !held.certificatePem || !held.notBefore) {
    throw new ControllerError(ControllerErrorCode.InvalidKeySecret, `key Secret ${name}: certificate missing`);
  }
  return {
    held,
    state: stateOf(secret.metadata.labels?.[labelName], source),
    source,
    secretName: name,
    certificatePem: held.certificatePem,
    notBefore: held.notBefore,
    notAfter: new Date(held.certificate.validTo),
    createdAt: new Date(secret.metadata.creationTimestamp ?? 0),
  };
}

function newerFirst(a: ManagedKey, b: ManagedKey): number {
  const diff = b.notBefore.getTime() - a.notBefore.getTime() || b.createdAt.getTime() - a.createdAt.getTime();
  return diff !== 0 ? diff : a.held.keyId < b.held.keyId ? -1 : 1;
}

/**
 * Builds the key set: newest first; the same key held twice (e.g. imported from Bitnami and ours) counts once with
 * the most restrictive state. The sealing key is the newest active key whose certificate is valid at `now`.
 */
export function buildKeySet(keys: Iterable<ManagedKey>, now: Date = new Date()): KeySet {
  const byId = new Map<string, ManagedKey>();
  const rank = { [KeyState.Active]: 0, [KeyState.DecryptOnly]: 1, [KeyState.Compromised]: 2 } as const;
  for (const key of keys) {
    const seen = byId.get(key.held.keyId);
    if (!seen || rank[key.state] > rank[seen.state]) byId.set(key.held.keyId, key);
  }
  const ordered = [...byId.values()].sort(newerFirst);
  const sealing = ordered.find((k) => k.state === KeyState.Active && k.notAfter > now && k.notBefore <= now);
  return {
    ring: createKeyRing(ordered.map((k) => k.held)),
    keys: ordered,
    byId,
    sealing,
  };
}
