import { getJson, resourcePath, Resources } from '@gitseal/kube';
import type { KubeConfig } from './kube-session.js';
import { printable } from './printable.js';

/** One core/v1 Event as the CLI and the UI show it: printable, capped, never the raw API object. */
export interface ObjectEvent {
  readonly uid: string;
  readonly type: string;
  readonly reason?: string;
  readonly message?: string;
  readonly count: number;
  /** lastTimestamp, else eventTime, firstTimestamp, creationTimestamp. */
  readonly lastSeen?: string;
  /** The involved object: `Kind/name`, printable. */
  readonly object: string;
  readonly objectKind: string;
  readonly objectNamespace?: string;
  readonly objectName: string;
}

interface EventJson {
  readonly type?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly count?: number;
  readonly lastTimestamp?: string;
  readonly eventTime?: string;
  readonly firstTimestamp?: string;
  readonly metadata?: { readonly uid?: string; readonly name?: string; readonly creationTimestamp?: string };
  readonly involvedObject?: { readonly kind?: string; readonly namespace?: string; readonly name?: string };
}

const PAGE_SIZE = 500;
/** At most this many Events are read from one namespace (10 pages). */
const MAX_EVENTS = 5000;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The time an Event was last seen, or undefined. */
function seenAt(e: EventJson): string | undefined {
  return str(e.lastTimestamp) ?? str(e.eventTime) ?? str(e.firstTimestamp) ?? str(e.metadata?.creationTimestamp);
}

/** An Event read from the API as an ObjectEvent. */
export function toObjectEvent(e: EventJson): ObjectEvent {
  const kind = printable(str(e.involvedObject?.kind) ?? '?', 63);
  const name = printable(str(e.involvedObject?.name) ?? '?', 253);
  const namespace = str(e.involvedObject?.namespace);
  const reason = str(e.reason);
  const message = str(e.message);
  const lastSeen = seenAt(e);
  return {
    uid: str(e.metadata?.uid) ?? str(e.metadata?.name) ?? '',
    type: printable(str(e.type) ?? 'Normal', 20),
    ...(reason === undefined ? {} : { reason: printable(reason, 100) }),
    ...(message === undefined ? {} : { message: printable(message, 500) }),
    count: typeof e.count === 'number' ? e.count : 1,
    ...(lastSeen === undefined ? {} : { lastSeen }),
    object: `${kind}/${name}`,
    objectKind: kind,
    ...(namespace === undefined ? {} : { objectNamespace: printable(namespace, 63) }),
    objectName: name,
  };
}

/**
 * The core/v1 Events of one namespace, optionally narrowed by a field selector (e.g.
 * `involvedObject.kind=GitSync,involvedObject.name=web`), oldest first. `what` names the call in errors.
 */
export async function readEvents(
  kc: KubeConfig,
  namespace: string,
  fieldSelector: string | undefined,
  what: string,
): Promise<ObjectEvent[]> {
  const items: EventJson[] = [];
  let token: string | undefined;
  do {
    const page = await getJson<{ items?: EventJson[]; metadata?: { continue?: string } }>(kc, {
      path: resourcePath(Resources.Event, namespace),
      query: { fieldSelector, limit: PAGE_SIZE, continue: token },
      what,
      timeoutMs: 10_000,
    });
    items.push(...(page.items ?? []));
    token = page.metadata?.continue || undefined;
  } while (token !== undefined && items.length < MAX_EVENTS);
  return sortOldestFirst(items.map(toObjectEvent));
}

/** Events oldest first (as `kubectl get events` and `flux events` print them); unknown times first. */
export function sortOldestFirst(events: readonly ObjectEvent[]): ObjectEvent[] {
  const time = (e: ObjectEvent): number => {
    const ms = e.lastSeen === undefined ? Number.NaN : Date.parse(e.lastSeen);
    return Number.isNaN(ms) ? 0 : ms;
  };
  return [...events].sort((a, b) => time(a) - time(b));
}

/** The field selector of the Events about one GitSync. */
export function gitSyncEventSelector(name: string): string {
  return `involvedObject.kind=GitSync,involvedObject.name=${name}`;
}
