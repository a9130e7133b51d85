import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  decodeUtf8Text,
  ManifestError,
  parseManifests,
  type KubeObject,
  type ManifestLimits,
  type ParsedManifest,
} from '@gitseal/manifests';
import { isChartFolder, readChartMetadata, renderHelmChart } from './helm-chart.js';
import type { HelmRenderSettings, RenderedChart } from './helm-settings.js';
import type { HelmTemplateOptions } from './helm-template.js';
import { hasGenerateNameOnly, isHookObject } from './hook-phase.js';
import { findKustomization } from './kustomization-file.js';
import { runKustomize, type KustomizeOptions } from './kustomize.js';
import { checkSymlinks, resolveInside, resolveSourceDir } from './source-path.js';
import { SyncError, SyncErrorCode } from './sync-error.js';

/** One object of a revision and where it came from: `path/in/repo.yaml#doc` (`#doc[item]` inside a List). */
export interface RenderedObject {
  readonly object: KubeObject;
  readonly source: string;
  /** Produced by kustomize (whose `namespace:` also lands on cluster-scoped kinds it does not know). */
  readonly kustomized?: true;
}

export interface RenderLimits {
  /** Per file. */
  maxFileBytes?: number;
  /** All files (or the kustomize output) together. */
  maxTotalBytes?: number;
  maxFiles?: number;
  maxObjects?: number;
  /** Alias and depth caps for the YAML reader. */
  manifest?: Pick<ManifestLimits, 'maxAliases' | 'maxAliasExpansion' | 'maxDepth'>;
}

export interface RenderInput {
  checkoutDir: string;
  /** `spec.source.path`, relative to the repository root. */
  path?: string;
  limits?: RenderLimits;
  kustomize?: KustomizeOptions;
  /** How a chart folder is rendered; without it a chart folder is refused. */
  helm?: HelmRenderSettings;
  helmOptions?: HelmTemplateOptions;
  /** Runs on a chart folder before helm (it may write into it): fetches the dependencies charts/ lacks. */
  prepareChart?: (chartDir: string, shown: string) => Promise<void>;
  /** Parsed manifest files kept between renders (see ManifestFileCache); plain folders only. */
  files?: ManifestFileCache;
}

/**
 * What a plain folder's files parsed to, kept by the caller between renders: a file whose content is known to be
 * the same (a tracked regular file with the same blob id) is not read and parsed again.
 */
export interface ManifestFileCache {
  /** A key for the content of the checkout's `relPath` (its blob id), or undefined when it is not known. */
  keyOf(relPath: string): string | undefined;
  get(key: string): readonly RenderedObject[] | undefined;
  set(key: string, objects: readonly RenderedObject[], bytes: number): void;
}

/** What a source path rendered to, and the chart when it was a Helm chart folder. */
export interface RenderedSource {
  readonly objects: RenderedObject[];
  readonly chart?: RenderedChart;
}

export const DEFAULT_RENDER_LIMITS = {
  maxFileBytes: 8 * 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
  maxFiles: 10_000,
  maxObjects: 10_000,
} as const;

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

export type Limits = Required<Omit<RenderLimits, 'manifest'>> & { manifest: RenderLimits['manifest'] };

/** The render limits with their defaults filled in. */
export function limitsOf(input: Pick<RenderInput, 'limits'>): Limits {
  const given = input.limits ?? {};
  return {
    maxFileBytes: given.maxFileBytes ?? DEFAULT_RENDER_LIMITS.maxFileBytes,
    maxTotalBytes: given.maxTotalBytes ?? DEFAULT_RENDER_LIMITS.maxTotalBytes,
    maxFiles: given.maxFiles ?? DEFAULT_RENDER_LIMITS.maxFiles,
    maxObjects: given.maxObjects ?? DEFAULT_RENDER_LIMITS.maxObjects,
    manifest: given.manifest,
  };
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Manifest files under `dir`, sorted by repository path; dot-files and dot-dirs skipped; symlinks checked. */
async function listManifestFiles(realRoot: string, dir: string, relDir: string, limits: Limits): Promise<string[]> {
  const files: string[] = [];
  const visited = new Set<string>([dir]);
  const walk = async (current: string, rel: string): Promise<void> => {
    const entries = (await readdir(current, { withFileTypes: true })).sort((a, b) => byName(a.name, b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      let path = join(current, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        path = await resolveInside(realRoot, path, relPath);
        const stats = await stat(path);
        [isDir, isFile] = [stats.isDirectory(), stats.isFile()];
      }
      if (isFile) refuseUnsupportedFormat(relPath, entry.name);
      if (isDir) {
        if (visited.has(path)) continue;
        visited.add(path);
        await walk(path, relPath);
      } else if (isFile && MANIFEST_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) {
        if (files.length >= limits.maxFiles) {
          throw new SyncError(
            SyncErrorCode.RenderFailed,
            `${relDir || '.'}: more than ${limits.maxFiles} manifest files`,
          );
        }
        files.push(relPath);
      }
    }
  };
  await walk(dir, relDir);
  return files;
}

/**
 * Formats a plain folder cannot hold: a Helm chart's templates are not manifests, and Jsonnet is a program. Said
 * plainly, so nobody takes the parser's complaint about the first template for the problem.
 */
function refuseUnsupportedFormat(relPath: string, name: string): void {
  if (name === 'Chart.yaml' || name === 'Chart.yml') {
    const folder = relPath.includes('/') ? relPath.slice(0, relPath.lastIndexOf('/')) : '.';
    throw new SyncError(
      SyncErrorCode.RenderFailed,
      `${relPath}: a Helm chart inside a folder of manifests: point spec.source.path at the chart folder (${folder}) to render it with Helm, in a GitSync of its own`,
    );
  }
  if (name.endsWith('.jsonnet') || name.endsWith('.libsonnet')) {
    throw new SyncError(
      SyncErrorCode.RenderFailed,
      `${relPath}: Jsonnet is not supported (render it to YAML or JSON in CI and commit the output)`,
    );
  }
}

function manifestError(error: unknown, fallback: string): SyncError {
  if (error instanceof SyncError) return error;
  if (error instanceof ManifestError) return new SyncError(SyncErrorCode.InvalidManifest, error.message);
  return new SyncError(SyncErrorCode.RenderFailed, `${fallback}: could not be read`);
}

function toRendered(parsed: ParsedManifest[], sourceOf: (index: number) => string): RenderedObject[] {
  return parsed.map((p) => {
    const base = sourceOf(p.index);
    return checkRendered({ object: p.object, source: p.item === undefined ? base : `${base}[${p.item}]` });
  });
}

/** A rendered object with a name (or, for a hook, a generateName) and a string namespace, else a clear error. */
function checkRendered(item: RenderedObject): RenderedObject {
  const { object, source } = item;
  const metadata = object.metadata;
  const named = typeof metadata?.name === 'string' && metadata.name !== '';
  // A hook may name itself by generateName only.
  const generated = !named && hasGenerateNameOnly(object) && isHookObject(object);
  if (!metadata || (!named && !generated)) {
    const hint = metadata?.generateName === undefined ? '' : ' (generateName is only allowed on hooks)';
    throw new SyncError(SyncErrorCode.InvalidManifest, `${source}: ${object.kind}: metadata.name is missing${hint}`);
  }
  if (metadata.namespace !== undefined && typeof metadata.namespace !== 'string') {
    throw new SyncError(SyncErrorCode.InvalidManifest, `${source}: ${object.kind}: metadata.namespace is not a string`);
  }
  return item;
}

async function readDirectory(
  realRoot: string,
  dir: string,
  relPath: string,
  limits: Limits,
  files?: ManifestFileCache,
): Promise<RenderedObject[]> {
  const out: RenderedObject[] = [];
  let total = 0;
  const caps = JSON.stringify(limits.manifest ?? {});
  for (const file of await listManifestFiles(realRoot, dir, relPath, limits)) {
    const path = join(realRoot, file);
    try {
      const size = (await stat(path)).size;
      if (size > limits.maxFileBytes) {
        throw new SyncError(SyncErrorCode.InvalidManifest, `${file}: larger than ${limits.maxFileBytes} bytes`);
      }
      total += size;
      if (total > limits.maxTotalBytes) {
        throw new SyncError(
          SyncErrorCode.RenderFailed,
          `${file}: manifests larger than ${limits.maxTotalBytes} bytes in all`,
        );
      }
      const content = files?.keyOf(file);
      const key = content === undefined ? undefined : `${content}\0${file}\0${caps}`;
      const known = key === undefined ? undefined : files?.get(key);
      if (known && known.length <= limits.maxObjects - out.length) {
        out.push(...known);
      } else {
        const parsed = parseManifests(decodeUtf8Text(await readFile(path), file), {
          ...limits.manifest,
          source: file,
          maxBytes: limits.maxFileBytes,
          maxDocuments: limits.maxObjects - out.length,
        });
        const objects = toRendered(parsed, (index) => `${file}#${index}`);
        if (key !== undefined) files?.set(key, objects, size);
        out.push(...objects);
      }
    } catch (error) {
      throw manifestError(error, file);
    }
    if (out.length > limits.maxObjects) {
      throw new SyncError(SyncErrorCode.RenderFailed, `${relPath || '.'}: more than ${limits.maxObjects} objects`);
    }
  }
  return out;
}

async function readKustomization(
  realRoot: string,
  dir: string,
  shown: string,
  limits: Limits,
  options: KustomizeOptions | undefined,
): Promise<RenderedObject[]> {
  await checkSymlinks(realRoot, realRoot);
  const output = await runKustomize(
    dir,
    shown,
    { ...options, maxOutputBytes: Math.min(options?.maxOutputBytes ?? limits.maxTotalBytes, limits.maxTotalBytes) },
    realRoot,
  );
  try {
    const parsed = parseManifests(output, {
      ...limits.manifest,
      source: shown,
      maxBytes: limits.maxTotalBytes,
      maxDocuments: limits.maxObjects,
    });
    return toRendered(parsed, (index) => `${shown}#${index}`).map((r) => ({ ...r, kustomized: true as const }));
  } catch (error) {
    throw manifestError(error, shown);
  }
}

/**
 * Renders `spec.source.path` of a checkout into objects: through kustomize when the directory holds a
 * kustomization, through `helm template` when it is a chart folder (Chart.yaml), else every .yaml/.yml/.json file
 * below it in sorted order. Path traversal and symlinks that leave the checkout are refused; errors name the file.
 * Namespaces are left as the files give them: the parent gives them by API discovery (resolveObjectScopes).
 */
export async function renderSourceAndChart(input: RenderInput): Promise<RenderedSource> {
  const limits = limitsOf(input);
  const { realRoot, dir, relPath } = await resolveSourceDir(input.checkoutDir, input.path);
  const kustomization = await findKustomization(dir);
  if (kustomization) {
    const shown = relPath ? `${relPath}/${kustomization}` : kustomization;
    return { objects: await readKustomization(realRoot, dir, shown, limits, input.kustomize) };
  }
  if (await isChartFolder(dir)) return renderChartFolder(input, { realRoot, dir, shown: relPath || '.' }, limits);
  return { objects: await readDirectory(realRoot, dir, relPath, limits, input.files) };
}

/** {@link renderSourceAndChart}, objects only. */
export async function renderSource(input: RenderInput): Promise<RenderedObject[]> {
  return (await renderSourceAndChart(input)).objects;
}

async function renderChartFolder(
  input: RenderInput,
  where: { realRoot: string; dir: string; shown: string },
  limits: Limits,
): Promise<RenderedSource> {
  const { realRoot, dir, shown } = where;
  if (!input.helm)
    throw new SyncError(SyncErrorCode.RenderFailed, `${shown}: a Helm chart, and no Helm settings given`);
  await checkSymlinks(realRoot, realRoot);
  const chart = await readChartMetadata(dir, shown);
  await input.prepareChart?.(dir, shown);
  // Dependencies written into charts/ must not bring links out of the checkout either.
  await checkSymlinks(realRoot, dir);
  const objects = await renderHelmChart({
    chart: dir,
    shown,
    realRoot,
    settings: input.helm,
    limits: { maxBytes: limits.maxTotalBytes, maxObjects: limits.maxObjects, manifest: limits.manifest },
    ...(input.helmOptions ? { options: input.helmOptions } : {}),
  });
  if (objects.length > limits.maxObjects) {
    throw new SyncError(SyncErrorCode.RenderFailed, `${shown}: more than ${limits.maxObjects} objects`);
  }
  return { objects: objects.map((o) => checkRendered(o)), chart };
}
