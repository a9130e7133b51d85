import { compareVersions, maxSatisfyingTag, parseRange, parseVersion, type Version } from './semver-range.js';

const NEWEST_SHOWN = 5;

/**
 * The chart version to use from `available`: the one equal to `wanted` (a `v` prefix on either side is ignored,
 * so an exact pre-release works too), else the newest release in the range `wanted`, else undefined. No `wanted`
 * (or `*`) means the newest release. A malformed range throws the semver parser's error.
 */
export function pickChartVersion(available: readonly string[], wanted: string | undefined): string | undefined {
  const range = wanted === undefined || wanted.trim() === '' ? '*' : wanted.trim();
  const bare = range.replace(/^v/, '');
  const exact = available.find((v) => v === range || v.replace(/^v/, '') === bare);
  if (exact !== undefined) return exact;
  return maxSatisfyingTag(available, parseRange(range));
}

/** True when `wanted` names one version (`1.2.3`, `v1.2.3`, `=1.2.3`) rather than a range. */
export function isExactVersion(wanted: string | undefined): boolean {
  return wanted !== undefined && parseVersion(wanted.trim().replace(/^=/, '')) !== undefined;
}

/** `2.1.0, 2.0.0, 1.9.0` (the newest releases, for a "no version matches" message), or `none`. */
export function newestVersions(available: readonly string[], count = NEWEST_SHOWN): string {
  const releases = available
    .map((tag) => ({ tag, version: parseVersion(tag) }))
    .filter((e): e is { tag: string; version: Version } => e.version !== undefined)
    .sort((a, b) => compareVersions(b.version, a.version));
  const shown = releases.slice(0, count).map((e) => e.tag.slice(0, 40));
  if (shown.length === 0) return available.length === 0 ? 'none' : 'no releases';
  return releases.length > count ? `${shown.join(', ')}, …` : shown.join(', ');
}

/** The versions a tag list holds: Helm stores `+` (build metadata) as `_` in OCI tags. */
export function versionOfTag(tag: string): string {
  return tag.replaceAll('_', '+');
}

export function tagOfVersion(version: string): string {
  return version.replaceAll('+', '_');
}
