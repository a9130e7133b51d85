import { parseManifests, type ManifestLimits } from '@gitseal/manifests';
import type { RenderedObject } from './render.js';
import { SyncError, SyncErrorCode } from './sync-error.js';

/** A YAML document marker at the start of a line: where helm template starts each template's output. */
const DOCUMENT = /^---[ \t]*(?:#.*)?$/m;
/** `# Source: <chart>/templates/<file>.yaml`: the comment helm puts before each template's output. */
const SOURCE = /^# Source: (.+)$/m;

export interface HelmOutputLimits {
  readonly maxBytes: number;
  readonly maxObjects: number;
  readonly manifest?: Pick<ManifestLimits, 'maxAliases' | 'maxAliasExpansion' | 'maxDepth'> | undefined;
}

/**
 * The objects of `helm template` output, each named by the template that made it (`wordpress/templates/web.yaml#0`,
 * `#n` counting that template's documents), so messages point at the template file rather than at the chart.
 */
export function readHelmOutput(output: string, shown: string, limits: HelmOutputLimits): RenderedObject[] {
  const out: RenderedObject[] = [];
  const perSource = new Map<string, number>();
  for (const document of output.split(DOCUMENT)) {
    if (document.trim() === '') continue;
    const template = SOURCE.exec(document)?.[1]?.trim() ?? shown;
    const index = perSource.get(template) ?? 0;
    perSource.set(template, index + 1);
    const parsed = parseManifests(document, {
      ...limits.manifest,
      source: template,
      maxBytes: limits.maxBytes,
      maxDocuments: Math.max(1, limits.maxObjects - out.length),
    });
    for (const p of parsed) {
      const source = `${template}#${index}`;
      out.push({ object: p.object, source: p.item === undefined ? source : `${source}[${p.item}]` });
    }
    if (out.length > limits.maxObjects) {
      throw new SyncError(SyncErrorCode.RenderFailed, `${shown}: more than ${limits.maxObjects} objects`);
    }
  }
  return out;
}
