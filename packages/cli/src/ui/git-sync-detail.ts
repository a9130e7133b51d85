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

/**
 * The history as the page shows it: changed = applied + pruned, with the applied, unchanged and pruned counts the
 * controller records in each entry (older entries carry only objectsChanged, then only that is shown).
 */
export function historyOf(view: GitSyncView): UiHistoryEntry[] {
  return view.history
    .filter((h) => h.revision !== undefined)
    .map((h) => {
      const short = shortRevision(h.revision);
      const changed = h.applied !== undefined && h.pruned !== undefined ? h.applied + h.pruned : h.objectsChanged;
      return {
        revision: h.revision ?? '',
        ...(short === undefined ? {} : { shortRevision: short }),
        result: h.result ?? 'Unknown',
        ...(h.startedAt === undefined ? {} : { startedAt: h.startedAt }),
        ...(h.duration === undefined ? {} : { duration: h.duration }),
        ...(changed === undefined ? {} : { changed }),
        ...(h.unchanged === undefined ? {} : { unchanged: h.unchanged }),
        ...(h.pruned === undefined ? {} : { pruned: h.pruned }),
      };
    });
}

/** `status.inventory.entries` of a GitSync, the well-formed ones. */
export function inventoryOf(object: GitSyncObject): InventoryEntry[] {
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
        history: historyOf(view),
        resources,
        events,
        permissions: allowed,
        problems,
        readAt: new Date(now()).toISOString(),
      };
    },
  };
}
