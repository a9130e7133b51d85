import { setTimeout as sleep } from 'node:timers/promises';
import { parseInventoryEntry, type InventoryObject } from '@gitseal/sync';
import { getGitSync, type GitSyncObject } from '../git-sync-api.js';
import { toCliError } from '../cli-error.js';
import { openKubeSession, type ClusterOptions, type KubeConfig } from '../kube-session.js';
import { gitSyncEventSelector, readEvents, sortOldestFirst, type ObjectEvent } from '../object-events.js';
import { formatReport, reportFormatOf } from '../cli-report.js';
import { formatEventRows, formatEvents, unseenEvents } from '../sync-events-text.js';
import { inventoryOf } from '../ui/git-sync-detail.js';
import { stdStream } from '../std-output.js';

/** How often `--watch` lists the Events again. */
const WATCH_POLL_MS = 2_000;

export interface SyncEventsOptions extends ClusterOptions {
  /** Also the Events of the objects in the GitSync's inventory. */
  readonly all?: boolean | undefined;
  readonly watch?: boolean | undefined;
}

/** Cluster-scoped objects' Events are recorded in `default` (as kubectl and client-go do). */
const CLUSTER_EVENTS_NAMESPACE = 'default';

const objectKey = (kind: string, namespace: string | undefined, name: string): string =>
  `${kind}\u0000${namespace ?? ''}\u0000${name}`;

/** The Events of the GitSync and, with `all`, of every object in its inventory; oldest first. */
async function readSyncEvents(
  kc: KubeConfig,
  gitSync: GitSyncObject,
  namespace: string,
  name: string,
  all: boolean,
): Promise<ObjectEvent[]> {
  const what = `GitSync ${namespace}/${name}`;
  if (!all) {
    return readEvents(kc, namespace, gitSyncEventSelector(name), `list Events of ${what}`).catch((error: unknown) => {
      throw toCliError(error, `list Events of ${what}`);
    });
  }
  const objects = inventoryOf(gitSync)
    .map(parseInventoryEntry)
    .filter((o): o is InventoryObject => o !== undefined);
  const wanted = new Set([
    objectKey('GitSync', namespace, name),
    ...objects.map((o) => objectKey(o.kind, o.namespace ?? CLUSTER_EVENTS_NAMESPACE, o.name)),
  ]);
  const namespaces = [...new Set([namespace, ...objects.map((o) => o.namespace ?? CLUSTER_EVENTS_NAMESPACE)])].sort();
  const lists = await Promise.all(
    namespaces.map((ns) =>
      readEvents(kc, ns, undefined, `list Events in namespace ${ns}`).catch((error: unknown) => {
        throw toCliError(error, `list Events in namespace ${ns}`);
      }),
    ),
  );
  return sortOldestFirst(
    lists
      .flat()
      .filter((e) => wanted.has(objectKey(e.objectKind, e.objectNamespace ?? CLUSTER_EVENTS_NAMESPACE, e.objectName))),
  );
}

/**
 * `gitseal sync events NAME [--all] [--watch]`: the Events recorded about a GitSync (as `flux events`), oldest
 * first: LAST SEEN TYPE REASON OBJECT MESSAGE. With `--watch`, keeps listing them every 2 s and prints the ones
 * that appear (or repeat) through `write`, until interrupted.
 */
export async function runSyncEvents(
  name: string,
  raw: Record<string, unknown>,
  write: (text: string) => void = (text) => stdStream(1).write(text),
): Promise<string> {
  const options = raw as SyncEventsOptions;
  const { kc, namespace } = openKubeSession(options);
  const gitSync = await getGitSync(kc, namespace, name);
  const all = options.all === true;
  const events = await readSyncEvents(kc, gitSync, namespace, name, all);
  const format = reportFormatOf(raw);
  if (options.watch !== true) {
    if (format !== undefined) return formatReport('GitSyncEvents', { namespace, name, events }, format);
    return events.length === 0 ? `No Events found for GitSync ${namespace}/${name}.\n` : formatEvents(events);
  }
  const seen = new Map<string, string>();
  unseenEvents(events, seen);
  write(formatEvents(events));
  for (;;) {
    await sleep(WATCH_POLL_MS);
    const latest = all ? await getGitSync(kc, namespace, name) : gitSync;
    write(formatEventRows(unseenEvents(await readSyncEvents(kc, latest, namespace, name, all), seen)));
  }
}
