import { SyncError, SyncErrorCode } from './sync-error.js';
import { hasControlChars } from './control-chars.js';

/** A release version `MAJOR.MINOR.PATCH`; tags with pre-release or build parts are not releases here. */
export type Version = readonly [major: number, minor: number, patch: number];

type Op = '<' | '<=' | '>' | '>=' | '=';
interface Comparator {
  readonly op: Op;
  readonly version: Version;
}
/** `||` of comparator sets; a set matches when all its comparators do. */
export type VersionRange = readonly (readonly Comparator[])[];

const TAG = /^v?(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/;
const PARTIAL = /^v?(\d{1,9}|[xX*])(?:\.(\d{1,9}|[xX*]))?(?:\.(\d{1,9}|[xX*]))?$/;
const COMPARATOR = /^(\^|~|>=|<=|>|<|=)?(.+)$/;
const MAX_RANGE_LENGTH = 256;

/** Reads `v1.2.3` or `1.2.3`; anything else (pre-releases, `v1.2`, build metadata) is undefined. */
export function parseVersion(tag: string): Version | undefined {
  const m = TAG.exec(tag);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function invalid(range: string, why: string): never {
  throw new SyncError(SyncErrorCode.InvalidRef, `semver range ${JSON.stringify(range.slice(0, 80))}: ${why}`);
}

/** Parsed parts of a partial version; undefined marks a wildcard or a missing part. */
type Partial = readonly [number | undefined, number | undefined, number | undefined];

function readPartial(range: string, text: string): Partial {
  const m = PARTIAL.exec(text);
  if (!m) invalid(range, `"${text.slice(0, 40)}" is not a version`);
  const part = (s: string | undefined): number | undefined =>
    s === undefined || /^[xX*]$/.test(s) ? undefined : Number(s);
  const parts: Partial = [part(m[1]), part(m[2]), part(m[3])];
  // "1.x.3" is not meaningful: after the first wildcard everything must be a wildcard.
  const first = parts.indexOf(undefined);
  if (first >= 0 && parts.slice(first).some((p) => p !== undefined))
    invalid(range, `"${text}" has a wildcard mid-version`);
  return parts;
}

const floor = ([a, b, c]: Partial): Version => [a ?? 0, b ?? 0, c ?? 0];

/** The smallest version above everything the partial matches (`1.2` → 1.3.0); undefined for `*`. */
function ceiling([a, b, c]: Partial): Version | undefined {
  if (a === undefined) return undefined;
  if (b === undefined) return [a + 1, 0, 0];
  if (c === undefined) return [a, b + 1, 0];
  return [a, b, c + 1];
}

function between(lower: Version, upper: Version | undefined): Comparator[] {
  const low: Comparator = { op: '>=', version: lower };
  return upper ? [low, { op: '<', version: upper }] : [low];
}

function caret(p: Partial): Comparator[] {
  const [a, b, c] = p;
  if (a === undefined) return [];
  if (a > 0 || b === undefined) return between(floor(p), [a + 1, 0, 0]);
  if (b > 0 || c === undefined) return between(floor(p), [0, b + 1, 0]);
  return between(floor(p), [0, 0, c + 1]);
}

function tilde(p: Partial): Comparator[] {
  const [a, b] = p;
  if (a === undefined) return [];
  return between(floor(p), b === undefined ? [a + 1, 0, 0] : [a, b + 1, 0]);
}

function desugar(range: string, op: string, p: Partial): Comparator[] {
  const wildcard = p.includes(undefined);
  switch (op) {
    case '^':
      return caret(p);
    case '~':
      return tilde(p);
    case '>=':
      return [{ op: '>=', version: floor(p) }];
    case '<':
      return p[0] === undefined ? [{ op: '<', version: [0, 0, 0] }] : [{ op: '<', version: floor(p) }];
    case '>': {
      if (!wildcard) return [{ op: '>', version: floor(p) }];
      const up = ceiling(p);
      return up ? [{ op: '>=', version: up }] : [{ op: '<', version: [0, 0, 0] }];
    }
    case '<=': {
      if (!wildcard) return [{ op: '<=', version: floor(p) }];
      const up = ceiling(p);
      return up ? [{ op: '<', version: up }] : [];
    }
    case '':
    case '=':
      return wildcard ? between(floor(p), ceiling(p)) : [{ op: '=', version: floor(p) }];
    default:
      return invalid(range, `unknown operator "${op}"`);
  }
}

/**
 * Parses the subset of npm/Masterminds semver ranges gitseal supports: `^`, `~`, `>=`, `>`, `<=`, `<`, `=`,
 * exact versions, `x`/`*` wildcards and partial versions, space-separated (AND) and `||` (OR).
 */
export function parseRange(range: string): VersionRange {
  if (typeof range !== 'string' || range.trim() === '') invalid(String(range), 'empty');
  if (range.length > MAX_RANGE_LENGTH) invalid(range, `longer than ${MAX_RANGE_LENGTH} characters`);
  if (hasControlChars(range)) invalid(range, 'contains control characters');
  return range.split('||').map((set) => {
    const words = set
      .trim()
      .replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1')
      .split(/\s+/)
      .filter((w) => w !== '');
    if (words.length === 0) invalid(range, 'empty alternative around "||"');
    return words.flatMap((word) => {
      const m = COMPARATOR.exec(word);
      if (!m) invalid(range, `"${word.slice(0, 40)}" is not a comparator`);
      return desugar(range, m[1] ?? '', readPartial(range, m[2] ?? ''));
    });
  });
}

function holds(c: Comparator, v: Version): boolean {
  const d = compareVersions(v, c.version);
  switch (c.op) {
    case '<':
      return d < 0;
    case '<=':
      return d <= 0;
    case '>':
      return d > 0;
    case '>=':
      return d >= 0;
    default:
      return d === 0;
  }
}

export function satisfies(version: Version, range: VersionRange): boolean {
  return range.some((set) => set.every((c) => holds(c, version)));
}

/** The tag with the highest release version in the range; ties (`v1.0.0` and `1.0.0`) go to the smaller name. */
export function maxSatisfyingTag(tags: Iterable<string>, range: string | VersionRange): string | undefined {
  const parsed = typeof range === 'string' ? parseRange(range) : range;
  let best: { tag: string; version: Version } | undefined;
  for (const tag of tags) {
    const version = parseVersion(tag);
    if (!version || !satisfies(version, parsed)) continue;
    const d = best ? compareVersions(version, best.version) : 1;
    if (d > 0 || (d === 0 && best && tag < best.tag)) best = { tag, version };
  }
  return best?.tag;
}
