import { createHeldKey, decodeBase64Strict, Redacted } from '@gitseal/crypto';
import { Annotation, Label, parseManifests, SecretType, type KubeObject } from '@gitseal/manifests';
import { CliError, wrapError } from './cli-error.js';

/** Where a key Secret comes from: gitseal's own label, Bitnami's (imported with --bitnami-compat), or both. */
export const KeyOrigin = { Gitseal: 'gitseal', Bitnami: 'bitnami', Both: 'gitseal+bitnami' } as const;
export type KeyOrigin = (typeof KeyOrigin)[keyof typeof KeyOrigin];

/** One sealing-key Secret as it goes into a backup and comes back out: only what a restore needs. */
export interface KeySecret {
  readonly name: string;
  /** The namespace it was backed up from (a restore may put it elsewhere). */
  readonly namespace: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly type: string;
  /** Base64 values, `tls.crt` and `tls.key` at least. */
  readonly data: Readonly<Record<string, string>>;
  /** `SHA256:…` of the public key, for listings (never key material). */
  readonly fingerprint: string;
  readonly origin: KeyOrigin;
  /** The label value: `active`, `decrypt-only`, `compromised` (or Bitnami's, possibly empty). */
  readonly state: string;
}

/** Annotations never carried over: kubectl's last applied configuration repeats the whole Secret, key included. */
const DROPPED_ANNOTATIONS: ReadonlySet<string> = new Set([Annotation.LastAppliedConfiguration]);

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

function originOf(labels: Readonly<Record<string, string>>): KeyOrigin | undefined {
  const gitseal = Object.hasOwn(labels, Label.SealingKey);
  const bitnami = Object.hasOwn(labels, Label.BitnamiSealingKey);
  if (gitseal && bitnami) return KeyOrigin.Both;
  if (gitseal) return KeyOrigin.Gitseal;
  return bitnami ? KeyOrigin.Bitnami : undefined;
}

/**
 * Reads one Secret object as a sealing key: it must carry one of the two key labels and hold a `tls.key` that
 * opens and a `tls.crt` of the same key. The error names the Secret (`where`), never its contents.
 */
export function readKeySecret(object: KubeObject, where: string): KeySecret {
  if (object.kind !== 'Secret' || object.apiVersion !== 'v1') {
    throw new CliError(`${where}: not a v1 Secret (a key backup holds only key Secrets)`);
  }
  const meta = object.metadata ?? {};
  const name = meta.name;
  if (typeof name !== 'string' || name === '') throw new CliError(`${where}: metadata.name is missing`);
  const labels = stringRecord(meta.labels);
  const origin = originOf(labels);
  if (origin === undefined) {
    throw new CliError(`${where}: labelled neither ${Label.SealingKey} nor ${Label.BitnamiSealingKey}`);
  }
  const data = stringRecord(object['data']);
  const keyB64 = data['tls.key'];
  const certB64 = data['tls.crt'];
  if (keyB64 === undefined || certB64 === undefined) throw new CliError(`${where}: needs data tls.crt and tls.key`);
  let fingerprint: string;
  try {
    const keyBytes = new Redacted(decodeBase64Strict(keyB64, `${where}: tls.key`));
    const certPem = decodeBase64Strict(certB64, `${where}: tls.crt`).toString('utf8');
    try {
      fingerprint = createHeldKey({ keyPem: keyBytes, certPem, name: where }).fingerprint;
    } finally {
      keyBytes.wipe();
    }
  } catch (error) {
    throw wrapError('', error);
  }
  const annotations = Object.fromEntries(
    Object.entries(stringRecord(meta.annotations)).filter(([k]) => !DROPPED_ANNOTATIONS.has(k)),
  );
  const type = typeof object['type'] === 'string' ? object['type'] : SecretType.Tls;
  const state =
    origin === KeyOrigin.Bitnami ? (labels[Label.BitnamiSealingKey] ?? '') : (labels[Label.SealingKey] ?? '');
  return { name, namespace: meta.namespace, labels, annotations, type, data, fingerprint, origin, state };
}

/** The Secret a backup holds (and a restore creates): no uid, resourceVersion, timestamps or managedFields. */
export function keySecretObject(key: KeySecret, namespace = key.namespace): KubeObject {
  const metadata: Record<string, unknown> = { name: key.name };
  if (namespace !== undefined) metadata['namespace'] = namespace;
  metadata['labels'] = { ...key.labels };
  if (Object.keys(key.annotations).length > 0) metadata['annotations'] = { ...key.annotations };
  return { apiVersion: 'v1', kind: 'Secret', metadata, type: key.type, data: { ...key.data } } as KubeObject;
}

/**
 * The backup file: ONE `v1` List of every key Secret, as `kubectl get -o yaml` prints it, so that
 * `gitseal unseal --private-key`, `kubeseal --recovery-private-key` and `kubectl apply -f` all read all of it.
 */
export function formatKeyBackup(keys: readonly KeySecret[]): string {
  const list = { apiVersion: 'v1', kind: 'List', items: keys.map((key) => keySecretObject(key)) };
  // JSON is YAML; one item per line keeps the file diffable while staying a single document every reader accepts.
  return `${JSON.stringify(list, null, 2)}\n`;
}

/** Reads a backup (or any file of key Secrets: a List, several documents, JSON or YAML); every item must be a key. */
export function readKeyBackup(text: string, source: string): KeySecret[] {
  let manifests;
  try {
    manifests = parseManifests(text, { source });
  } catch (error) {
    throw wrapError('', error);
  }
  const keys = manifests.map(({ object, index, item }) => {
    const name = object.metadata?.name;
    const at = item === undefined ? `document ${index}` : `document ${index} item ${item}`;
    return readKeySecret(object, `${source}: ${typeof name === 'string' && name !== '' ? `Secret ${name}` : at}`);
  });
  // The same Secret twice (a kubectl recipe that lists both labels) counts once; two different ones of one name
  // cannot both be restored.
  const byName = new Map<string, KeySecret>();
  for (const key of keys) {
    const seen = byName.get(key.name);
    if (seen === undefined) byName.set(key.name, key);
    else if (seen.fingerprint !== key.fingerprint || seen.data['tls.crt'] !== key.data['tls.crt']) {
      throw new CliError(`${source}: two different Secrets named ${key.name}`);
    }
  }
  if (byName.size === 0) throw new CliError(`${source}: no key Secrets in the file`);
  return [...byName.values()];
}
