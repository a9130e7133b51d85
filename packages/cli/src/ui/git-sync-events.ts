import type { UiEvent } from '@gitseal/manifests';
import type { KubeConfig } from '../kube-session.js';
import { gitSyncEventSelector, readEvents } from '../object-events.js';

const MAX_EVENTS = 20;

/** The Events of one GitSync (core/v1, by involvedObject), newest first, at most 20. */
export async function readGitSyncEvents(kc: KubeConfig, namespace: string, name: string): Promise<UiEvent[]> {
  const events = await readEvents(
    kc,
    namespace,
    gitSyncEventSelector(name),
    `list Events of GitSync ${namespace}/${name}`,
  );
  return events
    .reverse()
    .slice(0, MAX_EVENTS)
    .map((e) => ({
      type: e.type,
      ...(e.reason === undefined ? {} : { reason: e.reason }),
      ...(e.message === undefined ? {} : { message: e.message }),
      count: e.count,
      ...(e.lastSeen === undefined ? {} : { lastSeen: e.lastSeen }),
    }));
}
