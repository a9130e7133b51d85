import { isIPv4, isIPv6 } from 'node:net';

/** The key of a client that had no address (its socket was already gone): they all share one bucket. */
export const UNKNOWN_CLIENT = 'unknown';

/** The eight 16-bit groups of an IPv6 address (zone id dropped, `::` and a trailing dotted quad expanded). */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.split('%')[0] ?? '';
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (quad) {
    const [a = 0, b = 0, c = 0, d = 0] = quad.split('.').map(Number);
    text = `${text.slice(0, -quad.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const part = (s: string | undefined): number[] => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const head = part(halves[0]);
  const tail = halves.length === 2 ? part(halves[1]) : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array<number>(Math.max(0, fill)).fill(0), ...tail];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/**
 * The rate-limit key of a peer address (`req.socket.remoteAddress`; never a forwarded header): an IPv4 address as
 * it is (also when written IPv4-mapped, `::ffff:a.b.c.d`), an IPv6 address by its /64 prefix, since whoever has
 * one address of a /64 usually has all 2^64 of them.
 */
export function clientKey(address: string | undefined): string {
  if (address === undefined || address === '') return UNKNOWN_CLIENT;
  if (isIPv4(address)) return address;
  const bare = address.split('%')[0] ?? '';
  if (!isIPv6(bare)) return UNKNOWN_CLIENT;
  const groups = ipv6Groups(bare);
  if (!groups) return UNKNOWN_CLIENT;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
