import { humanAge } from './human-age.js';
import type { ObjectEvent } from './object-events.js';
import { formatTable } from './text-table.js';

const EVENTS_HEADER = ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'] as const;

function row(e: ObjectEvent, now: Date): string[] {
  return [
    e.lastSeen === undefined ? '<unknown>' : humanAge(e.lastSeen, now),
    e.type,
    e.reason ?? '-',
    e.object,
    `${e.message ?? '-'}${e.count > 1 ? ` (x${e.count})` : ''}`,
  ];
}

/** `sync events`: LAST SEEN TYPE REASON OBJECT MESSAGE, in the order given (oldest first). */
export function formatEvents(events: readonly ObjectEvent[], now: Date = new Date()): string {
  return formatTable(
    EVENTS_HEADER,
    events.map((e) => row(e, now)),
  );
}

/** Rows only (no header): what `sync events --watch` prints for events that appeared since the last read. */
export function formatEventRows(events: readonly ObjectEvent[], now: Date = new Date()): string {
  if (events.length === 0) return '';
  return formatEvents(events, now).split('\n').slice(1).join('\n');
}

/**
 * The events not printed yet: new ones, and ones whose count or time changed since (a repeated Event is one
 * object whose count goes up). Remembers them in `seen`.
 */
export function unseenEvents(events: readonly ObjectEvent[], seen: Map<string, string>): ObjectEvent[] {
  const fresh: ObjectEvent[] = [];
  for (const e of events) {
    const key = e.uid === '' ? `${e.object}/${e.reason ?? ''}/${e.message ?? ''}` : e.uid;
    const version = `${e.count}/${e.lastSeen ?? ''}`;
    if (seen.get(key) === version) continue;
    seen.set(key, version);
    fresh.push(e);
  }
  return fresh;
}
