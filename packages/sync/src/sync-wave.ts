import { describeObjectInFile, type KubeObject } from '@gitseal/manifests';
import type { RenderedObject } from './render.js';
import { SyncError, SyncErrorCode } from './sync-error.js';

/** gitseal's sync-wave annotation: an integer, lower waves first, default 0. */
export const SYNC_WAVE_ANNOTATION = 'gitseal.dev/sync-wave';
/** Argo CD's, read the same way (gitseal's wins when both are set). */
export const ARGOCD_SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

const INTEGER = /^[-+]?[0-9]{1,9}$/;

/** The value of gitseal's annotation, else Argo CD's; undefined when neither is set. */
export function annotationOf(object: KubeObject, gitseal: string, argocd: string): string | undefined {
  const annotations = object.metadata?.annotations;
  const value = annotations?.[gitseal] ?? annotations?.[argocd];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The sync wave of an object: `gitseal.dev/sync-wave` or `argocd.argoproj.io/sync-wave`, an integer (negative
 * allowed), 0 when absent. Anything else is an InvalidManifest naming the file and object.
 */
export function syncWaveOf(item: RenderedObject): number {
  const value = annotationOf(item.object, SYNC_WAVE_ANNOTATION, ARGOCD_SYNC_WAVE_ANNOTATION)?.trim();
  if (value === undefined) return 0;
  if (!INTEGER.test(value)) {
    throw new SyncError(
      SyncErrorCode.InvalidManifest,
      `${describeObjectInFile(item.object, item.source)}: sync-wave must be an integer, e.g. "-1" or "5"`,
    );
  }
  return Number(value);
}

export interface Wave<T> {
  readonly wave: number;
  readonly items: readonly T[];
}

/** Items grouped by wave, lowest first; each group keeps the items' given order. */
export function groupByWave<T>(items: readonly T[], waveOf: (item: T) => number): Wave<T>[] {
  const byWave = new Map<number, T[]>();
  for (const item of items) {
    const wave = waveOf(item);
    const group = byWave.get(wave);
    if (group) group.push(item);
    else byWave.set(wave, [item]);
  }
  return [...byWave.entries()].sort(([a], [b]) => a - b).map(([wave, group]) => ({ wave, items: group }));
}
