/**
 * kubectl's short age: `45s`, `3m12s` (under 10 minutes), `42m`, `5h3m` (under 8 hours), `20h`, `3d4h` (under 8
 * days), `120d`, `3y45d` (under 8 years), `9y`. A missing or unreadable time gives `<unknown>`; a time in the
 * future (clock skew) counts as 0s.
 */
export function humanAge(since: string | undefined, now: Date = new Date()): string {
  const start = since === undefined ? NaN : Date.parse(since);
  if (Number.isNaN(start)) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now.getTime() - start) / 1000));
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  const years = Math.floor(days / 365);
  if (seconds < 120) return `${seconds}s`;
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (hours < 3) return `${minutes}m`;
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (days < 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (years < 2) return `${days}d`;
  if (years < 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}
