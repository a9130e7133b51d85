/** `3s ago`, `5m ago`, `2h ago`, `4d ago` from an RFC 3339 time; `-` without one. */
export function ago(time: string | undefined, now = Date.now()): string {
  if (time === undefined) return '-';
  const ms = now - Date.parse(time);
  if (Number.isNaN(ms)) return '-';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

/** The local date and time, for a title attribute. */
export function exactTime(time: string | undefined): string | undefined {
  if (time === undefined) return undefined;
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? undefined : date.toLocaleString();
}

/** The hash route of a GitSync page. */
export const gitSyncHref = (namespace: string, name: string): string =>
  `#/gitsyncs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
