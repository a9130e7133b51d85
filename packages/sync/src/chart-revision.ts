import type { ResolvedChart } from './chart-source.js';

/** The revision of a chart from a repository or registry, as status shows it: `<version>@sha256:<hex>`. */
export function chartRevision(resolved: Pick<ResolvedChart, 'version' | 'digest'>): string {
  return `${resolved.version}@${resolved.digest}`;
}

/** The chart version of a chart revision (`1.2.3@sha256:…`), or undefined for another revision. */
export function versionOfChartRevision(revision: string): { version: string; digest: string } | undefined {
  const m = /^([^@\s]+)@(sha256:[0-9a-f]{64})$/.exec(revision);
  return m ? { version: m[1] as string, digest: m[2] as string } : undefined;
}
