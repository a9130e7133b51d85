import type { ApiDiscovery } from '@gitseal/kube';
import type { InventoryEntry, UiEvent, UiGitSyncDetail, UiHistoryEntry, UiPermissions } from '@gitseal/manifests';
import { syncLabel } from '@gitseal/sync';
import { getGitSync, type GitSyncObject } from '../git-sync-api.js';
import { viewGitSync, type GitSyncView } from '../git-sync-view.js';
import type { KubeConfig } from '../kube-session.js';
import { canI } from './access-review.js';
import { readGitSyncEvents } from './git-sync-events.js';
import { shortRevision, summarizeView } from './git-sync-summary.js';
import { readResourceTree } from './resource-tree.js';

/** How long an access review answer is reused. */
const PERMISSION_TTL_MS = 30_000;

export interface DetailReader {
  read(namespace: string, name: string): Promise<UiGitSyncDetail>;
}

export function historyOf(view: GitSyncView): UiHistoryEntry[] {
  return view.history
    .filter((h) => h.revision !== undefined)
    .map((h) => {
      const short = shortRevision(h.revision);
      return {
        revision: h.revision ?? '',
        ...(short === undefined ? {} : { shortRevision: short }),
        result: h.result ?? 'Unknown',
        ...(h.startedAt === undefined ? {} : { startedAt: h.startedAt }),
        ...(h.duration === undefined ? {} : { duration: h.duration }),
        ...(h.objectsChanged === undefined ? {} : { changed: h.objectsChanged }),
      };
    });
}

const APPLIED_EVENT = /^Applied revision (\S+): (\d+) changed, (\d+) unchanged, (\d+) pruned/;

/**
 * Adds unchanged and pruned counts to history entries from the controller's `Applied revision R: N changed, M
 * unchanged, K pruned` Events (newest Event per revision), where they agree with the entry's own count (status
 * records only changed + pruned). Entries whose Event is gone (Events expire) keep what status says.
 */
export function withEventCounts(history: readonly UiHistoryEntry[], events: readonly UiEvent[]): UiHistoryEntry[] {
  const counts = new Map<string, { changed: number; unchanged: number; pruned: number }>();
  for (const event of events) {
    const match = APPLIED_EVENT.exec(event.message ?? '');
    if (match?.[1] === undefined || counts.has(match[1])) continue;
    counts.set(match[1], { changed: Number(match[2]), unchanged: Number(match[3]), pruned: Number(match[4]) });
  }
  return history.map((entry) => {
    const found = counts.get(entry.revision);
    if (found === undefined || entry.result !== 'Succeeded') return entry;
    if (entry.changed !== undefined && entry.changed !== found.changed + found.pruned) return entry;
    return { ...entry, changed: found.changed, unchanged: found.unchanged, pruned: found.pruned };
  });
}

function inventoryOf(object: GitSyncObject): InventoryEntry[] {
  const inventory = object.status?.['inventory'] as { entries?: unknown } | undefined;
  const entries = Array.isArray(inventory?.entries) ? (inventory.entries as unknown[]) : [];
  return entries.filter(
    (e): e is InventoryEntry =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as InventoryEntry).id === 'string' &&
      typeof (e as InventoryEntry).v === 'string',
  );
}

/**
 * Reads everything the GitSync page shows, with the user's own rights: the GitSync, its objects live, its Events
 * and whether the user may patch it. A part the user may not read becomes a one-line problem, not a failure.
 */
export function createDetailReader(kc: KubeConfig, discovery: ApiDiscovery, now = Date.now): DetailReader {
  const permissions = new Map<string, { at: number; value: UiPermissions }>();

  const permissionsOf = async (namespace: string, name: string): Promise<UiPermissions> => {
    const key = `${namespace}/${name}`;
    const cached = permissions.get(key);
    if (cached && now() - cached.at < PERMISSION_TTL_MS) return cached.value;
    const patch = await canI(kc, { verb: 'patch', group: 'gitseal.dev', resource: 'gitsyncs', namespace, name });
    const value: UiPermissions = patch
      ? { patch }
      : { patch, reason: `your RBAC does not allow patch on gitsyncs.gitseal.dev in namespace ${namespace}` };
    permissions.set(key, { at: now(), value });
    return value;
  };

  return {
    async read(namespace, name) {
      const object = await getGitSync(kc, namespace, name);
      const view = viewGitSync(object);
      const spec = object.spec ?? {};
      const problems: string[] = [];
      const label = syncLabel({ metadata: { namespace, name } });
      const [resources, events, allowed] = await Promise.all([
        readResourceTree(kc, discovery, inventoryOf(object), label),
        readGitSyncEvents(kc, namespace, name).catch((): UiEvent[] => {
          problems.push(`Events of GitSync ${namespace}/${name} could not be read (RBAC or API server)`);
          return [];
        }),
        permissionsOf(namespace, name),
      ]);
      return {
        summary: summarizeView(view),
        ...(view.sourceRef === undefined ? {} : { sourceRef: view.sourceRef }),
        ...(view.sourcePath === undefined ? {} : { sourcePath: view.sourcePath }),
        ...(view.interval === undefined ? {} : { interval: view.interval }),
        prune: spec['prune'] === true,
        selfHeal: spec['selfHeal'] === true,
        ...(view.lastAttemptedRevision === undefined ? {} : { lastAttemptedRevision: view.lastAttemptedRevision }),
        conditions: view.conditions.map((c) => ({ ...c })),
        history: withEventCounts(historyOf(view), events),
        resources,
        events,
        permissions: allowed,
        problems,
        readAt: new Date(now()).toISOString(),
      };
    },
  };
}
