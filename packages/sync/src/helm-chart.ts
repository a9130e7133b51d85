import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readChartYaml } from './chart-yaml.js';
import { valueStrings } from './helm-error.js';
import { readHelmOutput, type HelmOutputLimits } from './helm-output.js';
import type { HelmRenderSettings, RenderedChart } from './helm-settings.js';
import { runHelmTemplate, type HelmTemplateOptions } from './helm-template.js';
import type { RenderedObject } from './render.js';
import { normalizeSourcePath, resolveInside } from './source-path.js';
import { SyncError, SyncErrorCode } from './sync-error.js';

const CHART_FILE = 'Chart.yaml';
/** Helm's rule for release names: a DNS label of at most 53 characters. */
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_RELEASE_NAME = 53;

/**
 * The release name, checked where a chart is rendered: a GitSync's name (a DNS subdomain of up to 253 characters)
 * is the default, and it only has to be a release name when the source really is a chart.
 */
export function checkReleaseName(name: string): void {
  if (name.length <= MAX_RELEASE_NAME && RELEASE_NAME.test(name)) return;
  throw new SyncError(
    SyncErrorCode.InvalidSpec,
    `spec.helm.releaseName: "${name.slice(0, 60)}" is not a Helm release name (a DNS label of at most ${MAX_RELEASE_NAME} characters); set spec.helm.releaseName`,
  );
}

/** True when `dir` is a Helm chart folder (it holds Chart.yaml). */
export async function isChartFolder(dir: string): Promise<boolean> {
  try {
    return (await stat(join(dir, CHART_FILE))).isFile();
  } catch {
    return false;
  }
}

/** Name and version from a chart folder's Chart.yaml; a clear error naming `shown` when they are missing. */
export async function readChartMetadata(dir: string, shown: string): Promise<RenderedChart> {
  const where = `${shown}/${CHART_FILE}`;
  const document = await readChartYaml(join(dir, CHART_FILE), where, SyncErrorCode.RenderFailed);
  const chart = (document ?? {}) as { name?: unknown; version?: unknown };
  if (typeof chart.name !== 'string' || chart.name === '') {
    throw new SyncError(SyncErrorCode.RenderFailed, `${where}: name is missing`);
  }
  if (typeof chart.version !== 'string' || chart.version === '') {
    throw new SyncError(SyncErrorCode.RenderFailed, `${where}: version is missing (a string, e.g. "1.2.3")`);
  }
  return { name: chart.name, version: chart.version };
}

export interface HelmChartInput {
  /** A chart folder or a packaged chart (.tgz). */
  readonly chart: string;
  /** How messages name the chart: its repository path, or `<name> <version>` from a chart repository. */
  readonly shown: string;
  /** The checkout (values files are repository paths); absent for a chart from a chart repository. */
  readonly realRoot?: string;
  readonly settings: HelmRenderSettings;
  readonly limits: HelmOutputLimits;
  readonly options?: HelmTemplateOptions;
}

/**
 * Renders a chart with `helm template` (see runHelmTemplate for what helm may not do) into objects named by their
 * template files. Values files must be files inside the checkout; a chart from a repository takes none.
 */
export async function renderHelmChart(input: HelmChartInput): Promise<RenderedObject[]> {
  const { settings } = input;
  checkReleaseName(settings.releaseName);
  const valuesFiles: string[] = [];
  for (const file of settings.valuesFiles) {
    if (input.realRoot === undefined) {
      throw new SyncError(
        SyncErrorCode.InvalidSpec,
        `spec.helm.valuesFiles: ${file}: values files are repository paths, and a chart repository source has none (use spec.helm.values or valuesFrom)`,
      );
    }
    const relPath = normalizeSourcePath(file);
    const path = await resolveInside(input.realRoot, join(input.realRoot, relPath), relPath);
    const stats = await stat(path).catch(() => undefined);
    if (!stats?.isFile()) {
      throw new SyncError(SyncErrorCode.InvalidPath, `spec.helm.valuesFiles: ${relPath}: no such file in the revision`);
    }
    valuesFiles.push(path);
  }
  const output = await runHelmTemplate(input.chart, settings, {
    shown: input.shown,
    valuesFiles,
    secrets: valueStrings(settings.values ?? {}),
    options: { maxOutputBytes: input.limits.maxBytes, ...input.options },
  });
  try {
    return readHelmOutput(output, input.shown, input.limits);
  } catch (error) {
    if (error instanceof SyncError) throw error;
    const why = error instanceof Error ? error.message : 'could not be read';
    throw new SyncError(SyncErrorCode.InvalidManifest, why);
  }
}
