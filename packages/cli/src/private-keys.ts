import {
  createHeldKey,
  createKeyRing,
  decodeBase64Strict,
  Redacted,
  type HeldKey,
  type PrivateKeyRing,
} from '@gitseal/crypto';
import { parseManifests } from '@gitseal/manifests';
import { CliError, wrapError } from './cli-error.js';
import { readFileCapped } from './read-input.js';

const PEM_KEY_BLOCK = /-----BEGIN ((?:RSA )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/g;

function keysFromPem(text: string, path: string): HeldKey[] {
  const blocks = [...text.matchAll(PEM_KEY_BLOCK)].map((m) => m[0]);
  return blocks.map((pem, i) =>
    createHeldKey({ keyPem: pem, name: blocks.length > 1 ? `${path} key ${i + 1}` : path }),
  );
}

function field(data: unknown, key: string): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const value = (data as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/** Secrets (or Lists of them, as `kubectl get secret -o yaml` prints) holding `tls.key` and maybe `tls.crt`. */
function keysFromManifests(text: string, path: string): HeldKey[] {
  const keys: HeldKey[] = [];
  for (const { object } of parseManifests(text, { source: path })) {
    if (object.kind !== 'Secret') continue;
    const meta = object.metadata ?? {};
    const name = `${path}: Secret ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? '(unnamed)'}`;
    const keyB64 = field(object['data'], 'tls.key');
    if (keyB64 === undefined) continue;
    const keyPem = new Redacted(decodeBase64Strict(keyB64, `${name}: tls.key`));
    const certB64 = field(object['data'], 'tls.crt');
    const certPem =
      certB64 === undefined ? undefined : decodeBase64Strict(certB64, `${name}: tls.crt`).toString('utf8');
    try {
      keys.push(createHeldKey(certPem === undefined ? { keyPem, name } : { keyPem, certPem, name }));
    } finally {
      keyPem.wipe();
    }
  }
  return keys;
}

/**
 * The recovery keys of `--private-key FILE…`: each file is PEM (PKCS#1 or PKCS#8, one or more keys) or Secret
 * manifests (YAML/JSON, Lists too) with `tls.key`. Every file must yield at least one key.
 */
export async function loadPrivateKeyRing(paths: readonly string[]): Promise<PrivateKeyRing> {
  if (paths.length === 0) {
    throw new CliError('--private-key: at least one private key file is required');
  }
  const held: HeldKey[] = [];
  for (const path of paths) {
    const { text } = await readFileCapped(path);
    let keys: HeldKey[];
    try {
      if (/-----BEGIN /.test(text) && !/-----BEGIN (?:RSA )?PRIVATE KEY-----/.test(text)) {
        throw new CliError(`${path}: PEM file without a PRIVATE KEY block (a certificate or an encrypted key?)`);
      }
      keys = /-----BEGIN (?:RSA )?PRIVATE KEY-----/.test(text)
        ? keysFromPem(text, path)
        : keysFromManifests(text, path);
    } catch (error) {
      throw wrapError('', error);
    }
    if (keys.length === 0) {
      throw new CliError(`${path}: no private key found (expected a PEM key or a Secret with tls.key)`);
    }
    held.push(...keys);
  }
  return createKeyRing(held);
}
