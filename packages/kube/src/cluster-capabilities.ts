import { getJson, type requestRaw } from './raw-request.js';

type KubeConfigLike = Parameters<typeof requestRaw>[0];

/** What `helm template` is told of the cluster, as `helm install` would learn it: `.Capabilities`. */
export interface ClusterCapabilities {
  /** e.g. `v1.35.4`. */
  readonly kubeVersion: string;
  /** Every served group version (`apps/v1`) and group version kind (`apps/v1/Deployment`), sorted. */
  readonly apiVersions: readonly string[];
}

export interface ClusterCapabilitiesOptions {
  /** How long one answer is reused; default 30 s (a CRD applied since shows after that). */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

/** Aggregated discovery (GA in Kubernetes 1.30): every group, version and kind in one answer per root. */
const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

interface DiscoveryList {
  readonly kind?: string;
  // Aggregated (APIGroupDiscoveryList).
  readonly items?: readonly {
    readonly metadata?: { readonly name?: string };
    readonly versions?: readonly {
      readonly version: string;
      readonly resources?: readonly { readonly resource: string; readonly responseKind?: { readonly kind?: string } }[];
    }[];
  }[];
  // Plain (APIVersions for /api, APIGroupList for /apis).
  readonly versions?: readonly string[];
  readonly groups?: readonly { readonly versions?: readonly { readonly groupVersion: string }[] }[];
}

/** The group versions and kinds one discovery root answers, aggregated or plain (then without kinds). */
export function apiVersionsOf(list: DiscoveryList): string[] {
  const out: string[] = [];
  if (list.kind === 'APIGroupDiscoveryList') {
    for (const group of list.items ?? []) {
      const name = group.metadata?.name ?? '';
      for (const version of group.versions ?? []) {
        const groupVersion = name === '' ? version.version : `${name}/${version.version}`;
        out.push(groupVersion);
        for (const resource of version.resources ?? []) {
          const kind = resource.responseKind?.kind;
          if (kind && !resource.resource.includes('/')) out.push(`${groupVersion}/${kind}`);
        }
      }
    }
    return out;
  }
  out.push(...(list.versions ?? []));
  for (const group of list.groups ?? []) out.push(...(group.versions ?? []).map((v) => v.groupVersion));
  return out;
}

/** Reads `/version`, `/api` and `/apis` (aggregated discovery), shared by concurrent callers and cached. */
export function createClusterCapabilities(
  kc: KubeConfigLike,
  options: ClusterCapabilitiesOptions = {},
): () => Promise<ClusterCapabilities> {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? 30_000;
  let cached: { at: number; value: Promise<ClusterCapabilities> } | undefined;
  const load = async (): Promise<ClusterCapabilities> => {
    const headers = { Accept: AGGREGATED };
    const [version, core, groups] = await Promise.all([
      getJson<{ gitVersion?: string }>(kc, { path: '/version', what: 'read the API server version' }),
      getJson<DiscoveryList>(kc, { path: '/api', headers, what: 'discovery /api' }),
      getJson<DiscoveryList>(kc, { path: '/apis', headers, what: 'discovery /apis' }),
    ]);
    const apiVersions = [...new Set([...apiVersionsOf(core), ...apiVersionsOf(groups)])].sort();
    return { kubeVersion: version.gitVersion ?? '', apiVersions };
  };
  return () => {
    if (cached && now() - cached.at < maxAgeMs) return cached.value;
    const value = load();
    cached = { at: now(), value };
    value.catch(() => {
      if (cached?.value === value) cached = undefined;
    });
    return value;
  };
}
