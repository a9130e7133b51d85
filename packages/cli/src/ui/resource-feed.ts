import {
  createInformer,
  KubeError,
  requestRaw,
  resourcePath,
  stripManagedFields,
  type Informer,
  type ResourceType,
} from '@gitseal/kube';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeConfig } from '../kube-session.js';
import { canI } from './access-review.js';

/** What a feed sends its subscribers: problems, one snapshot, then upserts and deletes. */
export type FeedMessage<Summary> =
  | { readonly type: 'snapshot'; readonly items: readonly Summary[]; readonly scope: string; readonly live: boolean }
  | { readonly type: 'upsert'; readonly item: Summary }
  | { readonly type: 'delete'; readonly key: string }
  | { readonly type: 'problem'; readonly message: string };

/** The resource a feed lists and how one object becomes the summary a page shows. */
export interface FeedKind<Summary extends { readonly key: string }> {
  readonly resource: ResourceType;
  /** Plural for messages, e.g. `GitSyncs`. */
  readonly plural: string;
  /** `gitsyncs.gitseal.dev`: the CRD, for the RBAC and "not served" messages. */
  readonly crd: string;
  readonly summarize: (object: KubernetesObject) => Summary;
}

/** Where the user may list: everywhere, one namespace, or nowhere (with the reason). */
export type ListScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'namespace'; readonly namespace: string; readonly note: string }
  | { readonly kind: 'none'; readonly message: string };

const SYNC_TIMEOUT_MS = 60_000;

async function listStatus(kc: KubeConfig, resource: ResourceType, plural: string, namespace?: string): Promise<number> {
  const response = await requestRaw(kc, {
    path: resourcePath(resource, namespace),
    query: { limit: 1 },
    what: `list ${plural}`,
    timeoutMs: 15_000,
  });
  return response.status;
}

/** Probes with the user's credentials where `kind` can be listed: all namespaces, else the context's namespace. */
export async function findListScope<S extends { readonly key: string }>(
  kc: KubeConfig,
  namespace: string,
  kind: FeedKind<S>,
): Promise<ListScope> {
  const { resource, plural, crd } = kind;
  let all: number;
  try {
    all = await listStatus(kc, resource, plural);
  } catch (error) {
    const why = error instanceof KubeError ? error.message : 'the API server did not answer';
    return { kind: 'none', message: `${plural} cannot be listed: ${why}` };
  }
  if (all >= 200 && all < 300) return { kind: 'all' };
  if (all === 404) {
    return { kind: 'none', message: `${plural} are not served by this cluster (is the ${crd} CRD installed?)` };
  }
  if (all !== 403 && all !== 401) {
    return { kind: 'none', message: `listing ${plural} failed: the API server answered ${all}` };
  }
  const own = await listStatus(kc, resource, plural, namespace).catch(() => 0);
  if (own >= 200 && own < 300) {
    const note = `You may not list ${plural} in all namespaces: showing namespace ${namespace} only.`;
    return { kind: 'namespace', namespace, note };
  }
  return {
    kind: 'none',
    message: `You may not list ${plural} (RBAC forbids list on ${crd} in all namespaces and in namespace ${namespace}).`,
  };
}

/**
 * A page's live list: one informer (the user's credentials) where the user may list, each object turned into a
 * summary; every subscriber gets a snapshot, then upserts and deletes. Updates that change no summary field (a
 * status write with the same outcome) are not sent.
 */
export class ResourceFeed<Summary extends { readonly key: string }> {
  readonly #kc: KubeConfig;
  readonly #namespace: string;
  readonly #kind: FeedKind<Summary>;
  readonly #listeners = new Set<(message: FeedMessage<Summary>) => void>();
  readonly #summaries = new Map<string, { summary: Summary; json: string }>();
  readonly #changeListeners = new Set<(key: string) => void>();
  #informer: Informer<KubernetesObject> | undefined;
  #ready: Promise<{ scope: string; live: boolean; problems: string[] }> | undefined;

  constructor(kc: KubeConfig, namespace: string, kind: FeedKind<Summary>) {
    this.#kc = kc;
    this.#namespace = namespace;
    this.#kind = kind;
  }

  /** Starts listing and watching (once). */
  start(): Promise<{ scope: string; live: boolean; problems: string[] }> {
    this.#ready ??= this.#start();
    return this.#ready;
  }

  async #start(): Promise<{ scope: string; live: boolean; problems: string[] }> {
    const { plural, crd } = this.#kind;
    const scope = await findListScope(this.#kc, this.#namespace, this.#kind);
    if (scope.kind === 'none') return { scope: 'none', live: false, problems: [scope.message] };
    const where = scope.kind === 'namespace' ? { namespace: scope.namespace } : {};
    const problems = scope.kind === 'namespace' ? [scope.note] : [];
    const [resource = '', group = ''] = crd.split(/\.(.*)/);
    const live = await canI(this.#kc, { verb: 'watch', group, resource, ...where });
    if (!live) problems.push(`You may list but not watch ${plural}: this page does not update live (reload it).`);
    const informer = createInformer<KubernetesObject>({
      kubeConfig: this.#kc,
      resource: this.#kind.resource,
      ...where,
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
      problems.push(`${plural} could not be listed within a minute: the list may be incomplete.`);
    }
    return { scope: where.namespace ?? 'all namespaces', live, problems };
  }

  #upsert(object: KubernetesObject): void {
    const summary = this.#kind.summarize(object);
    const json = JSON.stringify(summary);
    if (this.#summaries.get(summary.key)?.json === json) return;
    this.#summaries.set(summary.key, { summary, json });
    this.#send({ type: 'upsert', item: summary }, summary.key);
  }

  #delete(object: KubernetesObject): void {
    const key = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    if (!this.#summaries.delete(key)) return;
    this.#send({ type: 'delete', key }, key);
  }

  #send(message: FeedMessage<Summary>, key: string): void {
    if (this.#ready === undefined) return;
    for (const listener of this.#listeners) listener(message);
    for (const listener of this.#changeListeners) listener(key);
  }

  /** Sends the snapshot (and any problem) to `listener`, then every change; returns the unsubscribe function. */
  async subscribe(listener: (message: FeedMessage<Summary>) => void): Promise<() => void> {
    const { scope, live, problems } = await this.start();
    for (const message of problems) listener({ type: 'problem', message });
    const items = this.items().sort((a, b) => a.key.localeCompare(b.key));
    listener({ type: 'snapshot', items, scope, live });
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The summaries now (after start). */
  items(): Summary[] {
    return [...this.#summaries.values()].map((s) => s.summary);
  }

  /** Calls `listener(key)` whenever a summary changes or its object goes away. */
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
