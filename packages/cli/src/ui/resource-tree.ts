import { requestRaw, resourcePath, type ApiDiscovery } from '@gitseal/kube';
import type { InventoryEntry, KubeObject, UiObjectHealth, UiResource, UiResourceGroup } from '@gitseal/manifests';
import {
  objectHealth,
  parseInventoryEntry,
  syncWaveOf,
  SYNC_WAVE_ANNOTATION,
  ARGOCD_SYNC_WAVE_ANNOTATION,
  type InventoryObject,
} from '@gitseal/sync';
import type { KubeConfig } from '../kube-session.js';
import { printable } from '../printable.js';
import { objectSyncState, secretKeyNames, type LiveMetadata } from './object-sync-state.js';

/** How many objects are read at once. */
const CONCURRENCY = 8;
/** Secrets are read as metadata only: their data never reaches this process. */
const METADATA_ONLY = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json;q=0.1';

type Live = { kind: 'found'; object: KubeObject } | { kind: 'missing' } | { kind: 'unreadable'; why: string };

function isSecret(ref: InventoryObject): boolean {
  return ref.kind === 'Secret' && ref.apiVersion === 'v1';
}

async function readLive(kc: KubeConfig, discovery: ApiDiscovery, ref: InventoryObject): Promise<Live> {
  const served = await discovery.resource(ref.apiVersion, ref.kind).catch(() => undefined);
  if (served === undefined) return { kind: 'unreadable', why: `${ref.apiVersion} ${ref.kind} is not served` };
  const path = resourcePath(served, served.namespaced ? ref.namespace : undefined, ref.name);
  const response = await requestRaw(kc, {
    path,
    headers: { Accept: isSecret(ref) ? METADATA_ONLY : 'application/json' },
    what: `read ${ref.kind} ${ref.name}`,
    timeoutMs: 10_000,
  }).catch(() => undefined);
  if (response === undefined) return { kind: 'unreadable', why: 'the API server did not answer' };
  if (response.status === 404) return { kind: 'missing' };
  if (response.status === 403) return { kind: 'unreadable', why: 'you may not read it (RBAC)' };
  if (response.status < 200 || response.status >= 300) {
    return { kind: 'unreadable', why: `the API server answered ${response.status}` };
  }
  try {
    return { kind: 'found', object: JSON.parse(response.body.toString('utf8')) as KubeObject };
  } catch {
    return { kind: 'unreadable', why: 'the answer is not JSON' };
  }
}

function healthOf(ref: InventoryObject, live: KubeObject): { health: UiObjectHealth; healthMessage?: string } {
  if (isSecret(ref)) return { health: 'Current' };
  try {
    const health = objectHealth(live);
    return { health: health.status, ...(health.message ? { healthMessage: printable(health.message, 300) } : {}) };
  } catch {
    return { health: 'Unknown', healthMessage: 'health could not be assessed' };
  }
}

/** Key names only: a SealedSecret's encryptedData keys, a Secret's from its managedFields. */
function keysOf(ref: InventoryObject, live: KubeObject): string[] | undefined {
  if (isSecret(ref)) return secretKeyNames((live as LiveMetadata).metadata?.managedFields);
  if (ref.kind !== 'SealedSecret') return undefined;
  const data = (live as { spec?: { encryptedData?: unknown } }).spec?.encryptedData;
  return typeof data === 'object' && data !== null
    ? Object.keys(data)
        .map((k) => printable(k, 253))
        .sort()
    : [];
}

/** The wave the live object names (as the engine reads it from Git), or undefined when none or not an integer. */
function waveOf(live: KubeObject): number | undefined {
  const annotations = (live as LiveMetadata).metadata?.annotations;
  if (annotations?.[SYNC_WAVE_ANNOTATION] === undefined && annotations?.[ARGOCD_SYNC_WAVE_ANNOTATION] === undefined) {
    return undefined;
  }
  try {
    return syncWaveOf({ object: live, source: '' });
  } catch {
    return undefined;
  }
}

/** One object of the tree, read live with the user's own rights. */
export function describeResource(ref: InventoryObject, live: Live, syncLabel: string): UiResource {
  const base = {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    name: ref.name,
    ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }),
  };
  if (live.kind === 'unreadable') {
    return { ...base, sync: 'Unknown', syncMessage: live.why, health: 'Unknown' };
  }
  if (live.kind === 'missing') {
    const state = objectSyncState(undefined, syncLabel);
    return { ...base, sync: state.sync, syncMessage: state.message ?? '', health: 'Unknown', healthMessage: 'missing' };
  }
  const state = objectSyncState(live.object as LiveMetadata, syncLabel);
  const keys = keysOf(ref, live.object);
  const wave = waveOf(live.object);
  return {
    ...base,
    sync: state.sync,
    ...(state.message === undefined ? {} : { syncMessage: state.message }),
    ...healthOf(ref, live.object),
    ...(keys === undefined ? {} : { keys }),
    ...(wave === undefined ? {} : { wave }),
  };
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Groups resources by kind (kinds and names sorted). */
export function groupByKind(resources: readonly UiResource[]): UiResourceGroup[] {
  const groups = new Map<string, UiResource[]>();
  for (const resource of resources) {
    const list = groups.get(resource.kind) ?? [];
    list.push(resource);
    groups.set(resource.kind, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, list]) => ({
      kind,
      resources: list.sort((a, b) => `${a.namespace ?? ''}/${a.name}`.localeCompare(`${b.namespace ?? ''}/${b.name}`)),
    }));
}

/** The GitSync's inventory, each object read live: sync state, health and (for secrets) key names. */
export async function readResourceTree(
  kc: KubeConfig,
  discovery: ApiDiscovery,
  entries: readonly InventoryEntry[],
  syncLabel: string,
): Promise<UiResourceGroup[]> {
  const refs = entries.map(parseInventoryEntry).filter((r): r is InventoryObject => r !== undefined);
  const resources = await mapLimited(refs, CONCURRENCY, async (ref) =>
    describeResource(ref, await readLive(kc, discovery, ref), syncLabel),
  );
  return groupByKind(resources);
}
