import type { KubeObject } from '@gitseal/manifests';
import { apiVersionPath, getJson, KubeError } from '@gitseal/kube';
import type { KubeConfig } from './kube-session.js';

interface ApiResource {
  readonly name: string;
  readonly kind: string;
  readonly verbs?: readonly string[];
}

export interface ListableType {
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
}

export interface LabelledObjects {
  readonly objects: KubeObject[];
  /** `Kind.group` of types that could not be listed (forbidden, or their API is down). */
  readonly unlisted: string[];
}

const TIMEOUT_MS = 30_000;
const CONCURRENCY = 6;
/** Kinds that never carry a sync label and only add list calls. */
const SKIPPED_KINDS = new Set(['Event', 'Binding', 'ComponentStatus']);

function listable(apiVersion: string, resources: readonly ApiResource[] | undefined): ListableType[] {
  return (resources ?? [])
    .filter((r) => !r.name.includes('/') && (r.verbs ?? []).includes('list') && !SKIPPED_KINDS.has(r.kind))
    .map((r) => ({ apiVersion, kind: r.kind, plural: r.name }));
}

/** Every listable resource type the API server serves, at each group's preferred version (API discovery). */
export async function discoverListableTypes(kc: KubeConfig): Promise<ListableType[]> {
  const core = await getJson<{ resources?: ApiResource[] }>(kc, {
    path: '/api/v1',
    what: 'API discovery',
    timeoutMs: TIMEOUT_MS,
  });
  const groups = await getJson<{ groups?: { preferredVersion?: { groupVersion?: string } }[] }>(kc, {
    path: '/apis',
    what: 'API discovery',
    timeoutMs: TIMEOUT_MS,
  });
  const types = listable('v1', core.resources);
  const versions = (groups.groups ?? []).flatMap((g) => g.preferredVersion?.groupVersion ?? []);
  for (const groupVersion of versions) {
    try {
      const list = await getJson<{ resources?: ApiResource[] }>(kc, {
        path: apiVersionPath(groupVersion),
        what: `API discovery for ${groupVersion}`,
        timeoutMs: TIMEOUT_MS,
      });
      types.push(...listable(groupVersion, list.resources));
    } catch (error) {
      // An aggregated API that is down answers 503: its types are simply not listed.
      if (!(error instanceof KubeError) || error.status === undefined) throw error;
    }
  }
  return types;
}

function typeName(type: ListableType): string {
  const slash = type.apiVersion.indexOf('/');
  return slash < 0 ? type.kind : `${type.kind}.${type.apiVersion.slice(0, slash)}`;
}

async function listType(kc: KubeConfig, type: ListableType, labelSelector: string): Promise<KubeObject[]> {
  const items: KubeObject[] = [];
  let token: string | undefined;
  do {
    const page = await getJson<{ items?: KubeObject[]; metadata?: { continue?: string } }>(kc, {
      path: `${apiVersionPath(type.apiVersion)}/${type.plural}`,
      query: { labelSelector, limit: 500, continue: token },
      what: `list ${typeName(type)}`,
      timeoutMs: TIMEOUT_MS,
    });
    for (const item of page.items ?? []) items.push({ ...item, apiVersion: type.apiVersion, kind: type.kind });
    token = page.metadata?.continue || undefined;
  } while (token !== undefined);
  return items;
}

/**
 * Every object in the cluster (all namespaces, every listable type) matching the label selector. Types the
 * server refuses to list (403, 404, 405, 503 …) are reported in `unlisted`; no answer at all throws.
 */
export async function listLabelled(kc: KubeConfig, labelSelector: string): Promise<LabelledObjects> {
  const types = await discoverListableTypes(kc);
  const objects: KubeObject[] = [];
  const unlisted: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < types.length) {
      const type = types[next++] as ListableType;
      try {
        objects.push(...(await listType(kc, type, labelSelector)));
      } catch (error) {
        if (!(error instanceof KubeError) || error.status === undefined) throw error;
        unlisted.push(typeName(type));
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { objects, unlisted: unlisted.sort() };
}
