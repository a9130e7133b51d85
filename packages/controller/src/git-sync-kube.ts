import type { KubeConfig } from '@kubernetes/client-node';
import {
  EventRecorder,
  EventType,
  createApiDiscovery,
  createClusterCapabilities,
  makeCustomObjectsApi,
  makeObjectApi,
  patchStatus,
  readObject,
  requestRaw,
  assertOk,
  resourcePath,
  Resources,
  type ApiDiscovery,
  type ClusterCapabilities,
  type ResourceType,
  createRawApplier,
  fencedWrite,
  type Applier,
  type MayWrite,
} from '@gitseal/kube';
import type { GitSync } from '@gitseal/manifests';
import { fenceObjectApi, type ObjectApi } from '@gitseal/sync';
import type { Logger } from 'pino';
import type { GitSyncIdentity } from './git-sync-identity.js';
import { impersonatingKubeConfig } from './impersonating-kube-config.js';
import type { GitSyncStatusView } from './git-sync-status.js';
import { REQUESTED_AT_ANNOTATION } from './git-sync-watch.js';

const FIELD_MANAGER = 'gitseal-controller';

/** The clients of one GitSync's sync: writes (client, applier) and reads, all as the same identity. */
export interface GitSyncSession {
  readonly client: ObjectApi;
  readonly applier: Applier;
  readonly reader: ObjectApi;
}

/** Everything the GitSync reconciler reads and writes outside the sync engine. */
export class GitSyncKube {
  readonly reader: ObjectApi;
  readonly #kc: KubeConfig;
  readonly #customObjects;
  readonly #recorder: EventRecorder;
  readonly #sessions = new Map<string, GitSyncSession>();
  readonly #applier: Applier;
  /** API discovery as the controller sees it: shared by every GitSync (discovery is the same for all identities). */
  readonly discovery: ApiDiscovery;
  /** `.Capabilities` for Helm charts, as the controller sees the cluster (cached for 30 s). */
  readonly capabilities: () => Promise<ClusterCapabilities>;

  readonly #mayWrite: MayWrite;
  /** The controller's own writes (platform GitSyncs): fenced like every session's. */
  readonly #client: ObjectApi;

  /** `mayWrite` is asked right before every write of a sync, status, finalizer and Event (leader election). */
  constructor(kc: KubeConfig, logger: Logger, mayWrite: MayWrite = () => true) {
    this.#kc = kc;
    this.#mayWrite = mayWrite;
    this.reader = makeObjectApi(kc);
    this.#client = fenceObjectApi(this.reader, mayWrite);
    this.discovery = createApiDiscovery(kc);
    this.capabilities = createClusterCapabilities(kc);
    this.#applier = createRawApplier(kc, { fieldManager: 'gitseal', discovery: this.discovery, mayWrite });
    this.#customObjects = makeCustomObjectsApi(kc);
    this.#recorder = new EventRecorder({ kubeConfig: kc, component: FIELD_MANAGER, logger });
  }

  /**
   * The clients one GitSync's sync uses: the controller's own (platform GitSyncs without a ServiceAccount), or
   * clients impersonating its ServiceAccount for every read and write, so it never sees more than that account.
   * With `onlyNamespace` its applier refuses anything outside that namespace, by the API server's own scopes.
   */
  session(identity: GitSyncIdentity, onlyNamespace?: string): GitSyncSession {
    if (identity.kind === 'controller') return { client: this.#client, reader: this.reader, applier: this.#applier };
    const key = `${identity.namespace}/${identity.name}/${onlyNamespace ?? ''}`;
    let session = this.#sessions.get(key);
    if (!session) {
      const kc = impersonatingKubeConfig(this.#kc, identity.namespace, identity.name);
      const reader = makeObjectApi(kc);
      const applier = createRawApplier(kc, {
        fieldManager: 'gitseal',
        discovery: this.discovery,
        mayWrite: this.#mayWrite,
        ...(onlyNamespace ? { onlyNamespace } : {}),
      });
      session = { client: fenceObjectApi(reader, this.#mayWrite), reader, applier };
      this.#sessions.set(key, session);
    }
    return session;
  }

  /** A Secret's data, decoded, read with `session`'s rights; undefined when it does not exist. */
  async secretData(
    namespace: string,
    name: string,
    session: Pick<GitSyncSession, 'reader'> = { reader: this.reader },
  ): Promise<Record<string, Buffer> | undefined> {
    const secret = (await readObject(session.reader, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace },
    })) as { data?: Record<string, string> } | undefined;
    if (!secret) return undefined;
    const out: Record<string, Buffer> = {};
    for (const [key, value] of Object.entries(secret.data ?? {})) out[key] = Buffer.from(value, 'base64');
    return out;
  }

  /**
   * The GitSync as the API server has it now. The reconciler reads the inventory to prune from here, not from the
   * informer cache: right after its own status write the cache can still hold the previous inventory, and a sync
   * that started from that would never prune what the last one added.
   */
  async readGitSync(namespace: string, name: string): Promise<GitSync | undefined> {
    const what = `read GitSync ${namespace}/${name}`;
    const response = await requestRaw(this.#kc, { path: resourcePath(Resources.GitSync, namespace, name), what });
    if (response.status === 404) return undefined;
    assertOk(response, what);
    return JSON.parse(response.body.toString('utf8')) as GitSync;
  }

  /** A JSON merge patch of the GitSync itself (its finalizers); a 409 or 404 rejects with a KubeError. */
  async patchGitSync(namespace: string, name: string, patch: Record<string, unknown>): Promise<void> {
    const what = `patch GitSync ${namespace}/${name}`;
    if (!this.#mayWrite()) throw fencedWrite(what);
    const response = await requestRaw(this.#kc, {
      method: 'PATCH',
      path: resourcePath(Resources.GitSync, namespace, name),
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify(patch),
      what,
    });
    assertOk(response, what);
  }

  /**
   * Asks for a sync now by setting the `gitseal.dev/requested-at` annotation (as `gitseal sync` does): how a
   * replica that received a push webhook for a GitSync another replica owns hands it over (--shards auto). A
   * request, not a reconcile's write: not fenced.
   */
  async requestSync(namespace: string, name: string): Promise<void> {
    const what = `patch GitSync ${namespace}/${name}`;
    const response = await requestRaw(this.#kc, {
      method: 'PATCH',
      path: resourcePath(Resources.GitSync, namespace, name),
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ metadata: { annotations: { [REQUESTED_AT_ANNOTATION]: new Date().toISOString() } } }),
      what,
    });
    assertOk(response, what);
  }

  /** True when the namespace is being deleted or gone; false when it is live or cannot be read. */
  async namespaceTerminating(name: string): Promise<boolean> {
    try {
      const namespace = await readObject(this.reader, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      return namespace === undefined || namespace.metadata?.deletionTimestamp !== undefined;
    } catch {
      return false;
    }
  }

  /** False only when the API server says the ServiceAccount does not exist (unreadable counts as existing). */
  async serviceAccountExists(namespace: string, name: string): Promise<boolean> {
    try {
      const ref = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } };
      return (await readObject(this.reader, ref)) !== undefined;
    } catch {
      return true;
    }
  }

  /**
   * Writes the status, only if the GitSync is still at `resourceVersion` (409 otherwise) and this replica still
   * leads; returns the new resourceVersion.
   */
  async patchStatus(
    namespace: string,
    name: string,
    status: GitSyncStatusView,
    resourceVersion?: string,
  ): Promise<string | undefined> {
    if (!this.#mayWrite()) throw fencedWrite(`patch GitSync ${namespace}/${name} status`);
    const updated = await patchStatus(
      this.#customObjects,
      { group: 'gitseal.dev', version: 'v1alpha1', plural: 'gitsyncs', namespace, name, kind: 'GitSync' },
      status as Record<string, unknown>,
      { fieldManager: FIELD_MANAGER, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    );
    return updated.metadata?.resourceVersion;
  }

  async event(
    gitSync: { metadata: { name: string; namespace?: string; uid?: string } },
    type: EventType,
    reason: string,
    message: string,
  ): Promise<void> {
    if (!this.#mayWrite())
      throw fencedWrite(`Event on GitSync ${gitSync.metadata.namespace ?? ''}/${gitSync.metadata.name}`);
    await this.#recorder.record({
      involvedObject: {
        apiVersion: Resources.GitSync.apiVersion,
        kind: 'GitSync',
        name: gitSync.metadata.name,
        namespace: gitSync.metadata.namespace ?? 'default',
        ...(gitSync.metadata.uid ? { uid: gitSync.metadata.uid } : {}),
      },
      type,
      reason,
      message,
    });
  }

  /** The resource type (plural) of a kind, from API discovery; undefined when not served (or unreadable). */
  async resourceType(apiVersion: string, kind: string): Promise<ResourceType | undefined> {
    const found = await this.discovery.resource(apiVersion, kind).catch(() => undefined);
    return found ? { apiVersion, kind, plural: found.plural } : undefined;
  }
}

export { EventType };
