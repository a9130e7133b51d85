/** Longest path kept; a deeper one ends in `…`. */
const MAX_DEPTH = 8;
/** A `k:` key part shown when it is short and plain (container and port names); anything else is `[…]`. */
const PLAIN_KEY = /^[A-Za-z0-9._/-]{1,63}$/;

function keyPart(raw: string): string {
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    const parts = Object.entries(parsed).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    const shown = parts.join(',');
    return parts.every((p) => PLAIN_KEY.test(p.replace('=', '.'))) && shown.length <= 80 ? `[${shown}]` : '[…]';
  } catch {
    return '[…]';
  }
}

function step(member: string): string | undefined {
  if (member === '.') return undefined;
  if (member.startsWith('f:')) return `.${member.slice(2)}`;
  if (member.startsWith('k:')) return keyPart(member.slice(2));
  // v: (a value of a set, e.g. a finalizer) and i: (an index) would print values: never shown.
  return '[…]';
}

/**
 * The field paths a managedFields `fieldsV1` set names (`spec.replicas`, `data.password`,
 * `spec.template.spec.containers[name=web].image`): the leaves only, at most `max`, sorted. Paths and key names,
 * never values: members of value sets (`v:`) print as `[…]`.
 */
export function fieldPaths(fieldsV1: unknown, max = 10): string[] {
  const out = new Set<string>();
  const walk = (node: unknown, path: string, depth: number): void => {
    if (out.size >= max * 4) return;
    const members = node && typeof node === 'object' ? Object.entries(node as Record<string, unknown>) : [];
    const children = members.filter(([member]) => member !== '.');
    if (children.length === 0 || depth >= MAX_DEPTH) {
      if (path !== '') out.add(depth >= MAX_DEPTH && children.length > 0 ? `${path}…` : path);
      return;
    }
    for (const [member, child] of children) {
      const next = step(member);
      if (next !== undefined) walk(child, `${path}${next}`, depth + 1);
    }
  };
  walk(fieldsV1, '', 0);
  return [...out]
    .map((p) => (p.startsWith('.') ? p.slice(1) : p))
    .sort()
    .slice(0, max);
}
