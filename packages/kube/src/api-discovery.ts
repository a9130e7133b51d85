import { KubeError } from './kube-error.js';
import { getJson, type requestRaw } from './raw-request.js';

type KubeConfigLike = Parameters<typeof requestRaw>[0];

/** A kind as the API server serves it. */
export interface ServedResource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

/** Reads API discovery, one group version at a time, cached. */
export interface ApiDiscovery {
  /** The served resource of a kind; undefined when the API server does not serve it (after one fresh look). */
  resource(apiVersion: string, kind: string): Promise<ServedResource | undefined>;
}

export interface ApiDiscoveryOptions {
  /** A group version whose answer lacks a kind is asked again at most this often; default 1 s. */
  readonly missRefreshMs?: number;
  readonly now?: () => number;
}

interface GroupVersion {
  readonly at: number;
  readonly kinds: ReadonlyMap<string, ServedResource>;
}

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '');

/**
 * API discovery with a cache per group version. A kind missing from the cached answer (a CRD applied since) makes
 * the group version be read again, at most once per `missRefreshMs`; concurrent callers share one request. A group
 * version the API server does not serve (404) has no kinds.
 */
export function createApiDiscovery(kc: KubeConfigLike, options: ApiDiscoveryOptions = {}): ApiDiscovery {
  const now = options.now ?? Date.now;
  const missRefreshMs = options.missRefreshMs ?? 1_000;
  const cache = new Map<string, GroupVersion>();
  const inFlight = new Map<string, Promise<GroupVersion>>();

  const load = (apiVersion: string): Promise<GroupVersion> => {
    const running = inFlight.get(apiVersion);
    if (running) return running;
    const path = groupOf(apiVersion) === '' ? `/api/${apiVersion}` : `/apis/${apiVersion}`;
    const request = (async (): Promise<GroupVersion> => {
      let list: { resources?: { name: string; kind: string; namespaced: boolean }[] };
      try {
        list = await getJson(kc, { path, what: `discovery ${apiVersion}` });
      } catch (error) {
        if (!(error instanceof KubeError && error.status === 404)) throw error;
        list = {};
      }
      const kinds = new Map<string, ServedResource>();
      for (const r of list.resources ?? []) {
        if (r.name.includes('/')) continue;
        kinds.set(r.kind, { apiVersion, kind: r.kind, plural: r.name, namespaced: r.namespaced === true });
      }
      const entry = { at: now(), kinds };
      cache.set(apiVersion, entry);
      return entry;
    })().finally(() => inFlight.delete(apiVersion));
    inFlight.set(apiVersion, request);
    return request;
  };

  return {
    async resource(apiVersion, kind) {
      const cached = cache.get(apiVersion);
      const hit = cached?.kinds.get(kind);
      if (hit) return hit;
      if (cached && now() - cached.at < missRefreshMs) return undefined;
      return (await load(apiVersion)).kinds.get(kind);
    },
  };
}
