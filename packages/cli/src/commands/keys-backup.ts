import { getJson, resourcePath, Resources } from '@gitseal/kube';
import { Label, type KubeObject } from '@gitseal/manifests';
import { CliError } from '../cli-error.js';
import { formatKeyBackup, KeyOrigin, readKeyBackup, readKeySecret, type KeySecret } from '../key-backup.js';
import { openKubeSession, type KubeConfig } from '../kube-session.js';
import { toCliError } from '../cli-error.js';
import type { Notice } from '../command-io.js';
import { readFileCapped } from '../read-input.js';
import { formatTable } from '../text-table.js';
import { writeFileAtomic } from '../write-file-atomic.js';

export interface KeysOptions {
  readonly controllerNamespace: string;
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
}

export interface BackupOptions extends KeysOptions {
  readonly output: string;
}

/** Both key labels: gitseal's own, and Bitnami's that --bitnami-compat imports. */
const KEY_LABELS = [Label.SealingKey, Label.BitnamiSealingKey] as const;

async function listLabelled(kc: KubeConfig, namespace: string, label: string): Promise<KubeObject[]> {
  const items: KubeObject[] = [];
  let token: string | undefined;
  do {
    const page = await getJson<{ items?: KubeObject[]; metadata?: { continue?: string } }>(kc, {
      path: resourcePath(Resources.Secret, namespace),
      query: { labelSelector: label, limit: 500, continue: token },
      what: `list Secrets labelled ${label} in ${namespace}`,
    });
    for (const item of page.items ?? []) items.push({ ...item, apiVersion: 'v1', kind: 'Secret' });
    token = page.metadata?.continue || undefined;
  } while (token !== undefined);
  return items;
}

/** Every key Secret of the namespace, each once (a Secret may carry both labels), oldest first. */
export async function listKeySecrets(
  kc: KubeConfig,
  namespace: string,
): Promise<{ keys: KeySecret[]; skipped: string[] }> {
  const byName = new Map<string, KubeObject>();
  try {
    for (const label of KEY_LABELS) {
      for (const object of await listLabelled(kc, namespace, label)) byName.set(object.metadata?.name ?? '', object);
    }
  } catch (error) {
    throw toCliError(error, `list key Secrets in ${namespace}`);
  }
  const objects = [...byName.values()].sort(
    (a, b) =>
      (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '') ||
      (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
  );
  const keys: KeySecret[] = [];
  const skipped: string[] = [];
  for (const object of objects) {
    try {
      keys.push(readKeySecret(object, `Secret ${namespace}/${object.metadata?.name ?? ''}`));
    } catch (error) {
      // The controller ignores such a Secret too; one in the List would make kubeseal refuse the whole file.
      skipped.push(error instanceof CliError ? error.message : `Secret ${namespace}/${object.metadata?.name ?? ''}`);
    }
  }
  return { keys, skipped };
}

function describeKeys(keys: readonly KeySecret[]): string {
  return formatTable(
    ['NAME', 'LABEL', 'STATE', 'FINGERPRINT'],
    keys.map((k) => [k.name, k.origin, k.state === '' ? '(empty)' : k.state, k.fingerprint]),
  );
}

/**
 * `gitseal keys backup -o FILE`: every sealing key of the controller namespace (gitseal's and Bitnami's) as ONE
 * `v1` List, written atomically with mode 0600, then read back and checked key by key. Prints the keys' names and
 * fingerprints, never key material.
 */
export async function runKeysBackup(options: BackupOptions, notice: Notice): Promise<string> {
  if (options.output === '-') {
    throw new CliError('--output: the backup is written to a file (mode 0600), never to stdout', 2);
  }
  const namespace = options.controllerNamespace;
  const { kc } = openKubeSession(options);
  const { keys, skipped } = await listKeySecrets(kc, namespace);
  for (const reason of skipped) notice(`skipped ${reason}`);
  if (keys.length === 0) {
    throw new CliError(
      `no sealing keys in namespace ${namespace} (no usable Secret labelled ${Label.SealingKey} or ` +
        `${Label.BitnamiSealingKey}); nothing written`,
    );
  }
  await writeFileAtomic(options.output, formatKeyBackup(keys), { mode: 0o600 });
  // Prove the file: read it back the way `unseal --private-key` and `keys restore` do.
  const back = readKeyBackup((await readFileCapped(options.output)).text, options.output);
  if (back.length !== keys.length || back.some((k, i) => k.fingerprint !== keys[i]?.fingerprint)) {
    throw new CliError(`${options.output}: the written backup does not read back as the keys listed`);
  }
  const bitnami = keys.filter((k) => k.origin === KeyOrigin.Bitnami).length;
  notice(
    `wrote ${keys.length} sealing key${keys.length === 1 ? '' : 's'} (${keys.length - bitnami} gitseal, ` +
      `${bitnami} Bitnami) to ${options.output} (mode 0600). WARNING: this file opens every SealedSecret ` +
      'sealed to these keys: keep it offline, never in Git',
  );
  return describeKeys(keys);
}
