import { decodeBase64Strict } from '@gitseal/crypto';
import { createObject, getJson, KubeError, resourcePath, Resources } from '@gitseal/kube';
import { Label, type KubeObject } from '@gitseal/manifests';
import { CliError } from '../cli-error.js';
import { keySecretObject, readKeyBackup, type KeySecret } from '../key-backup.js';
import { openKubeSession, type KubeConfig } from '../kube-session.js';
import { toCliError } from '../cli-error.js';
import { readFileCapped } from '../read-input.js';
import type { KeysOptions } from './keys-backup.js';

export interface RestoreOptions extends KeysOptions {
  readonly file: string;
}

type Plan = { readonly key: KeySecret; readonly action: 'create' | 'unchanged' };

function sameBytes(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  try {
    return decodeBase64Strict(a, 'a').equals(decodeBase64Strict(b, 'b'));
  } catch {
    return false;
  }
}

async function readLive(kc: KubeConfig, namespace: string, name: string): Promise<KubeObject | undefined> {
  try {
    return await getJson<KubeObject>(kc, {
      path: resourcePath(Resources.Secret, namespace, name),
      what: `read Secret ${namespace}/${name}`,
    });
  } catch (error) {
    if (error instanceof KubeError && error.status === 404) return undefined;
    throw toCliError(error, `read Secret ${namespace}/${name}`);
  }
}

/**
 * Decides, before any write, what happens to each key: created when absent, left alone when the same key is
 * already there, and the whole restore refused when a Secret of that name holds anything else.
 */
async function planRestore(kc: KubeConfig, namespace: string, keys: readonly KeySecret[]): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const key of keys) {
    const live = await readLive(kc, namespace, key.name);
    if (live === undefined) {
      plans.push({ key, action: 'create' });
      continue;
    }
    const data = (live['data'] ?? {}) as Record<string, string>;
    if (!sameBytes(data['tls.key'], key.data['tls.key']) || !sameBytes(data['tls.crt'], key.data['tls.crt'])) {
      throw new CliError(
        `Secret ${namespace}/${key.name} already exists with different content: refusing to overwrite it ` +
          '(nothing restored; delete or rename that Secret, or restore elsewhere with --controller-namespace)',
      );
    }
    plans.push({ key, action: 'unchanged' });
  }
  return plans;
}

function labelOf(key: KeySecret): string {
  const label = Object.hasOwn(key.labels, Label.SealingKey) ? Label.SealingKey : Label.BitnamiSealingKey;
  return `${label}=${key.labels[label] ?? ''}`;
}

/**
 * `gitseal keys restore -f FILE`: creates every key Secret of a backup in the controller namespace, labels and
 * all (active / decrypt-only / compromised stay as they were). Keys already there are left alone; a Secret of
 * the same name with other content stops the restore before anything is written.
 */
export async function runKeysRestore(options: RestoreOptions): Promise<string> {
  const namespace = options.controllerNamespace;
  const { text } = await readFileCapped(options.file);
  const keys = readKeyBackup(text, options.file);
  const { kc } = openKubeSession(options);
  const plans = await planRestore(kc, namespace, keys);
  const lines: string[] = [];
  for (const { key, action } of plans) {
    if (action === 'unchanged') {
      lines.push(`unchanged Secret ${namespace}/${key.name} (${labelOf(key)}, ${key.fingerprint})\n`);
      continue;
    }
    try {
      await createObject(kc, Resources.Secret, keySecretObject(key, namespace));
    } catch (error) {
      if (error instanceof KubeError && error.status === 404) {
        throw new CliError(`namespace ${namespace} not found: create it first (kubectl create namespace ${namespace})`);
      }
      throw toCliError(error, `create Secret ${namespace}/${key.name}`);
    }
    lines.push(`created Secret ${namespace}/${key.name} (${labelOf(key)}, ${key.fingerprint})\n`);
  }
  return lines.join('');
}
