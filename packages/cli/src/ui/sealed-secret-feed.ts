import {
  createInformer,
  KubeError,
  requestRaw,
  resourcePath,
  Resources,
  stripManagedFields,
  type Informer,
} from '@gitseal/kube';
import type { UiSealedSecret, UiSealedSecretsMessage } from '@gitseal/manifests';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeConfig } from '../kube-session.js';
import { canI } from './access-review.js';
import { summarizeSealedSecret, type SealedSecretJson } from './sealed-secret-summary.js';

export type SealedSecretsListener = (message: UiSealedSecretsMessage) => void;

const SYNC_TIMEOUT_MS = 60_000;
const WHAT = 'sealedsecrets.gitseal.dev';

async function listStatus(kc: KubeConfig, namespace: string | undefined): Promise<number> {
  const response = await requestRaw(kc, {
    path: resourcePath(Resources.SealedSecret, namespace),
    query: { limit: 1 },
    what: 'list SealedSecrets',
    timeoutMs: 15_000,
  });
  return response.status;
}

/** Where SealedSecrets can be listed with the user's credentials: all namespaces, the context's one, or nowhere. */
async function findScope(
  kc: KubeConfig,
  namespace: string,
): Promise<{ namespace?: string; problems: string[] } | { none: string }> {
  let all: number;
  try {
    all = await listStatus(kc, undefined);
  } catch (error) {
    return { none: `SealedSecrets cannot be listed: ${error instanceof KubeError ? error.message : 'no answer'}` };
  }
  if (all >= 200 && all < 300) return { problems: [] };
  if (all === 404) return { none: `SealedSecrets are not served by this cluster (is the ${WHAT} CRD installed?)` };
  if (all !== 403 && all !== 401) return { none: `listing SealedSecrets failed: the API server answered ${all}` };
  const own = await listStatus(kc, namespace).catch(() => 0);
  if (own >= 200 && own < 300) {
    return {
      namespace,
      problems: [`You may not list SealedSecrets in all namespaces: showing namespace ${namespace} only.`],
    };
  }
  return {
    none: `You may not list SealedSecrets (RBAC forbids list on ${WHAT} in all namespaces and in namespace ${namespace}).`,
  };
}

/**
 * The SealedSecrets page's live list, as the GitSync overview's: one informer with the user's credentials where
 * they may list, each object turned into a summary (key names, never values or ciphertext); subscribers get a
 * snapshot, then upserts and deletes. The Keys page counts key fingerprints over the same summaries.
 */
export class SealedSecretFeed {
  readonly #kc: KubeConfig;
  readonly #namespace: string;
  readonly #listeners = new Set<SealedSecretsListener>();
  readonly #changeListeners = new Set<() => void>();
  readonly #summaries = new Map<string, { summary: UiSealedSecret; json: string }>();
  #informer: Informer<KubernetesObject> | undefined;
  #ready: Promise<{ scope: string; live: boolean; problems: string[] }> | undefined;

  constructor(kc: KubeConfig, namespace: string) {
    this.#kc = kc;
    this.#namespace = namespace;
  }

  /** Starts listing and watching (once, on the first subscriber). */
  start(): Promise<{ scope: string; live: boolean; problems: string[] }> {
    this.#ready ??= this.#start();
    return this.#ready;
  }

  async #start(): Promise<{ scope: string; live: boolean; problems: string[] }> {
    const found = await findScope(this.#kc, this.#namespace);
    if ('none' in found) return { scope: 'none', live: false, problems: [found.none] };
    const { namespace, problems } = found;
    const where = namespace === undefined ? {} : { namespace };
    const live = await canI(this.#kc, { verb: 'watch', group: 'gitseal.dev', resource: 'sealedsecrets', ...where });
    if (!live) problems.push('You may list but not watch SealedSecrets: this page does not update live (reload it).');
    const informer = createInformer<KubernetesObject>({
      kubeConfig: this.#kc,
      resource: Resources.SealedSecret,
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
      problems.push('SealedSecrets could not be listed within a minute: the list may be incomplete.');
    }
    return { scope: namespace ?? 'all namespaces', live, problems };
  }

  #upsert(object: KubernetesObject): void {
    const summary = summarizeSealedSecret(object as SealedSecretJson);
    const json = JSON.stringify(summary);
    if (this.#summaries.get(summary.key)?.json === json) return;
    this.#summaries.set(summary.key, { summary, json });
    this.#send({ type: 'upsert', item: summary });
  }

  #delete(object: KubernetesObject): void {
    const key = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    if (!this.#summaries.delete(key)) return;
    this.#send({ type: 'delete', key });
  }

  #send(message: UiSealedSecretsMessage): void {
    if (this.#ready === undefined) return;
    for (const listener of this.#listeners) listener(message);
    for (const listener of this.#changeListeners) listener();
  }

  /** Sends the problems and the snapshot to `listener`, then every change; returns the unsubscribe function. */
  async subscribe(listener: SealedSecretsListener): Promise<() => void> {
    const { scope, live, problems } = await this.start();
    for (const message of problems) listener({ type: 'problem', message });
    const items = this.items().sort((a, b) => a.key.localeCompare(b.key));
    listener({ type: 'snapshot', items, scope, live });
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The summaries now (after start). */
  items(): UiSealedSecret[] {
    return [...this.#summaries.values()].map((s) => s.summary);
  }

  /** Calls `listener` after any change of the list. */
  onChange(listener: () => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.#listeners.clear();
    this.#changeListeners.clear();
    await this.#informer?.stop();
  }
}
