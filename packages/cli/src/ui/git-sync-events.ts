import { getJson, resourcePath, Resources } from '@gitseal/kube';
import type { UiEvent } from '@gitseal/manifests';
import type { KubeConfig } from '../kube-session.js';
import { printable } from '../printable.js';

interface EventJson {
  readonly type?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly count?: number;
  readonly lastTimestamp?: string;
  readonly eventTime?: string;
  readonly firstTimestamp?: string;
  readonly metadata?: { readonly creationTimestamp?: string };
}

const MAX_EVENTS = 20;

const seenAt = (e: EventJson): string | undefined =>
  e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;

/** The Events of one GitSync (core/v1, by involvedObject), newest first, at most 20. */
export async function readGitSyncEvents(kc: KubeConfig, namespace: string, name: string): Promise<UiEvent[]> {
  const list = await getJson<{ items?: EventJson[] }>(kc, {
    path: resourcePath(Resources.Event, namespace),
    query: { fieldSelector: `involvedObject.kind=GitSync,involvedObject.name=${name}`, limit: 200 },
    what: `list Events of GitSync ${namespace}/${name}`,
    timeoutMs: 10_000,
  });
  return (list.items ?? [])
    .map((e) => ({ e, at: seenAt(e) }))
    .sort((a, b) => Date.parse(b.at ?? '') - Date.parse(a.at ?? '') || 0)
    .slice(0, MAX_EVENTS)
    .map(({ e, at }) => ({
      type: printable(e.type ?? 'Normal', 20),
      ...(e.reason === undefined ? {} : { reason: printable(e.reason, 100) }),
      ...(e.message === undefined ? {} : { message: printable(e.message, 500) }),
      count: typeof e.count === 'number' ? e.count : 1,
      ...(at === undefined ? {} : { lastSeen: at }),
    }));
}
