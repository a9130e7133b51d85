import type { NotifyEvent } from './event.js';

/**
 * Two events are "the same" when everything but their time (and a severity override) matches: kind, object,
 * revision and the kind's details (drifted object and its field paths, in any order; reason; key id…).
 */
export function dedupKey(event: NotifyEvent): string {
  const { at: _at, severity: _severity, ...rest } = event;
  const normalised = rest.kind === 'DriftCorrected' ? { ...rest, fields: [...rest.fields].sort() } : rest;
  return stableJson(normalised);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
