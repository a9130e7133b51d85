import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toObjectEvent, sortOldestFirst } from './object-events.js';
import { formatEventRows, formatEvents, unseenEvents } from './sync-events-text.js';

const now = new Date('2025-06-01T12:00:00Z');

const raw = (uid: string, at: string, extra: Record<string, unknown> = {}) => ({
  metadata: { uid },
  type: 'Normal',
  reason: 'Succeeded',
  message: 'Applied revision main@sha1:abc: 2 changed, 0 unchanged, 0 pruned',
  lastTimestamp: at,
  involvedObject: { kind: 'GitSync', namespace: 'shop', name: 'app' },
  ...extra,
});

test('events: oldest first, ages, object, count; control characters never reach the terminal', () => {
  const events = sortOldestFirst([
    toObjectEvent(
      raw('b', '2025-06-01T11:59:30Z', { type: 'Warning', reason: 'ApplyFailed', message: 'a\u001b[31mb' }),
    ),
    toObjectEvent(raw('a', '2025-06-01T11:50:00Z', { count: 3 })),
  ]);
  const text = formatEvents(events, now);
  const lines = text.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE$/);
  assert.match(lines[1] ?? '', /^10m +Normal +Succeeded +GitSync\/app +Applied revision main@sha1:abc: .* \(x3\)$/);
  assert.match(lines[2] ?? '', /^30s +Warning +ApplyFailed +GitSync\/app +a \[31mb$/);
  assert.ok(!text.includes('\u001b'));
});

test('watch: only events not printed before, and those again whose count went up', () => {
  const seen = new Map<string, string>();
  const first = [toObjectEvent(raw('a', '2025-06-01T11:50:00Z'))];
  assert.equal(unseenEvents(first, seen).length, 1);
  assert.equal(unseenEvents(first, seen).length, 0, 'nothing new');
  const later = [
    toObjectEvent(raw('a', '2025-06-01T11:55:00Z', { count: 2 })),
    toObjectEvent(raw('b', '2025-06-01T11:56:00Z', { reason: 'Deleted' })),
  ];
  const fresh = unseenEvents(later, seen);
  assert.deepEqual(
    fresh.map((e) => `${e.uid}:${e.count}`),
    ['a:2', 'b:1'],
  );
  const rows = formatEventRows(fresh, now);
  assert.doesNotMatch(rows, /LAST SEEN/, 'no header in the rows of a watch');
  assert.equal(rows.trimEnd().split('\n').length, 2);
  assert.equal(formatEventRows([], now), '');
});
