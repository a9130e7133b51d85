import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  makeCustomObjectsApi,
  makeObjectApi,
  patchStatus,
  readObject,
  type ResourceType,
  fencedWrite,
  type MayWrite,
} from '@gitseal/kube';
import type { NotificationStatus } from '@gitseal/manifests';
import type { ObjectApi } from '@gitseal/sync';
import type { GitSyncIdentity } from './git-sync-identity.js';
import { impersonatingKubeConfig } from './impersonating-kube-config.js';

/** A provider Secret's data as text, and a fingerprint of it (to tell whether it changed, without keeping it twice). */
export interface ProviderSecret {
  readonly data: Readonly<Record<string, string>>;
  readonly fingerprint: string;
}

/**
 * The API calls of notifications: a provider's Secret read as the identity its namespace allows (never the
 * controller's own rights for a tenant), and the Ready status of providers and alerts (leader only).
 */
export class NotificationKube {
  readonly #kc: KubeConfig;
  readonly #mayWrite: MayWrite;
  readonly #readers = new Map<string, ObjectApi>();
  readonly #customObjects;

  constructor(kubeConfig: KubeConfig, mayWrite: MayWrite) {
    this.#kc = kubeConfig;
    this.#mayWrite = mayWrite;
    this.#customObjects = makeCustomObjectsApi(kubeConfig);
  }

  /** The Secret's data, decoded as UTF-8; undefined when it does not exist. A 403 rejects (the caller says who). */
  async secret(identity: GitSyncIdentity, namespace: string, name: string): Promise<ProviderSecret | undefined> {
    const secret = (await readObject(this.#reader(identity), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace },
    })) as { data?: Record<string, string> } | undefined;
    if (!secret) return undefined;
    const data: Record<string, string> = {};
    const hash = createHash('sha256');
    for (const [key, value] of Object.entries(secret.data ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      data[key] = Buffer.from(value, 'base64').toString('utf8');
      hash.update(`${key}\u0000${value}\u0000`);
    }
    return { data, fingerprint: hash.digest('hex') };
  }

  async patchStatus(type: ResourceType, namespace: string, name: string, status: NotificationStatus): Promise<void> {
    if (!this.#mayWrite()) throw fencedWrite(`patch ${type.kind} ${namespace}/${name} status`);
    const [group = '', version = ''] = type.apiVersion.split('/');
    await patchStatus(
      this.#customObjects,
      { group, version, plural: type.plural, namespace, name, kind: type.kind },
      status as Record<string, unknown>,
      { fieldManager: 'gitseal-controller' },
    );
  }

  #reader(identity: GitSyncIdentity): ObjectApi {
    const key = identity.kind === 'controller' ? '' : `${identity.namespace}/${identity.name}`;
    let reader = this.#readers.get(key);
    if (!reader) {
      const kc =
        identity.kind === 'controller'
          ? this.#kc
          : impersonatingKubeConfig(this.#kc, identity.namespace, identity.name);
      reader = makeObjectApi(kc);
      this.#readers.set(key, reader);
    }
    return reader;
  }
}
