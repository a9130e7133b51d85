import {
  createInformer,
  KubeError,
  requestRaw,
  resourcePath,
  Resources,
  stripManagedFields,
  type Informer,
} from '@gitseal/kube';
import type { UiGitSyncSummary, UiOverviewMessage } from '@gitseal/manifests';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { GitSyncObject } from '../git-sync-api.js';
import type { KubeConfig } from '../kube-session.js';
import { canI } from './access-review.js';
import { summarizeGitSync } from './git-sync-summary.js';

export type OverviewListener = (message: UiOverviewMessage) => void;

/** Where the user may list GitSyncs: everywhere, one namespace, or nowhere (with the reason). */
export type ListScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'namespace'; readonly namespace: string; readonly note: string }
  | { readonly kind: 'none'; readonly message: string };

const SYNC_TIMEOUT_MS = 60_000;

async function listStatus(kc: KubeConfig, namespace: string | undefined): Promise<number> {
  const response = await requestRaw(kc, {
    path: resourcePath(Resources.GitSync, namespace),
    query: { limit: 1 },
    what: 'list GitSyncs',
    timeoutMs: 15_000,
  });
  return response.status;
}

/** Probes with the user's credentials where GitSyncs can be listed: all namespaces, else the context's namespace. */
export async function findListScope(kc: KubeConfig, namespace: string): Promise<ListScope> {
  let all: number;
  try {
    all = await listStatus(kc, undefined);
  } catch (error) {
    const why = error instanceof KubeError ? error.message : 'the API server did not answer';
    return { kind: 'none', message: `GitSyncs cannot be listed: ${why}` };
  }
  if (all >= 200 && all < 300) return { kind: 'all' };
  if (all === 404) {
    return {
      kind: 'none',
      message: 'GitSyncs are not served by this cluster (is the gitsyncs.gitseal.dev CRD installed?)',
    };
  }
  if (all !== 403 && all !== 401)
    return { kind: 'none', message: `listing GitSyncs failed: the API server answered ${all}` };
  const own = await listStatus(kc, namespace).catch(() => 0);
  if (own >= 200 && own < 300) {
    return {
      kind: 'namespace',
      namespace,
      note: `You may not list GitSyncs in all namespaces: showing namespace ${namespace} only.`,
    };
  }
  return {
    kind: 'none',
    message: `You may not list GitSyncs (RBAC forbids list on gitsyncs.gitseal.dev in all namespaces and in namespace ${namespace}).`,
  };
}

/**
 * The Overview's live list: one informer (the user's credentials) on GitSyncs where they may be listed, turned into
 * summaries; every subscriber gets a snapshot, then upserts and deletes. Updates that change no summary field (a
 * status write with the same outcome) are not sent.
 */
export class GitSyncFeed {
  readonly #kc: KubeConfig;
  readonly #namespace: string;
  readonly #listeners = new Set<OverviewListener>();
  readonly #summaries = new Map<string, { summary: UiGitSyncSummary; json: string }>();
  readonly #changeListeners = new Set<(key: string) => void>();
  #informer: Informer<KubernetesObject> | undefined;
  #ready: Promise<{ scope: string; live: boolean; problems: string[] }> | undefined;

  constructor(kc: KubeConfig, namespace: string) {
    this.#kc = kc;
    this.#namespace = namespace;
  }

  /** Starts listing and watching (once). */
  start(): Promise<{ scope: string; live: boolean; problems: string[] }> {
    this.#ready ??= this.#start();
    return this.#ready;
  }

  async #start(): Promise<{ scope: string; live: boolean; problems: string[] }> {
    const scope = await findListScope(this.#kc, this.#namespace);
    if (scope.kind === 'none') return { scope: 'none', live: false, problems: [scope.message] };
    const namespace = scope.kind === 'namespace' ? scope.namespace : undefined;
    const problems = scope.kind === 'namespace' ? [scope.note] : [];
    const live = await canI(this.#kc, {
      verb: 'watch',
      group: 'gitseal.dev',
      resource: 'gitsyncs',
      ...(namespace === undefined ? {} : { namespace }),
    });
    if (!live) problems.push('You may list but not watch GitSyncs: this page does not update live (reload it).');
    const informer = createInformer<KubernetesObject>({
      kubeConfig: this.#kc,
      resource: Resources.GitSync,
      ...(namespace === undefined ? {} : { namespace }),
      transform: stripManagedFields,
    });
    informer.onAdd((o) => this.#upsert(o));
    informer.onUpdate((_p, o) => this.#upsert(o));
    informer.onDelete((o) => this.#delete(o));
    this.#informer = informer;
    informer.start();
    try {
      await informer.waitForSync(SYNC_TIMEOUT_MS);
    } catch {
      problems.push('GitSyncs could not be listed within a minute: the list may be incomplete.');
    }
    return { scope: namespace ?? 'all namespaces', live, problems };
  }

  #upsert(object: KubernetesObject): void {
    const summary = summarizeGitSync(object as GitSyncObject);
    const json = JSON.stringify(summary);
    if (this.#summaries.get(summary.key)?.json === json) return;
    this.#summaries.set(summary.key, { summary, json });
    this.#send({ type: 'upsert', item: summary });
    for (const listener of this.#changeListeners) listener(summary.key);
  }

  #delete(object: KubernetesObject): void {
    const key = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    if (!this.#summaries.delete(key)) return;
    this.#send({ type: 'delete', key });
    for (const listener of this.#changeListeners) listener(key);
  }

  #send(message: UiOverviewMessage): void {
    if (this.#ready === undefined) return;
    for (const listener of this.#listeners) listener(message);
  }

  /** Sends the snapshot (and any problem) to `listener`, then every change; returns the unsubscribe function. */
  async subscribe(listener: OverviewListener): Promise<() => void> {
    const { scope, live, problems } = await this.start();
    for (const message of problems) listener({ type: 'problem', message });
    const items = [...this.#summaries.values()].map((s) => s.summary).sort((a, b) => a.key.localeCompare(b.key));
    listener({ type: 'snapshot', items, scope, live });
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `listener(key)` whenever a GitSync's summary changes or it goes away. */
  onChange(listener: (key: string) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.#listeners.clear();
    this.#changeListeners.clear();
    await this.#informer?.stop();
  }
}
