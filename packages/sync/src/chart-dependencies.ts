import { copyFile, cp, mkdir, readdir, realpath, rename, rm } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { isPlainObject, type JsonValue } from '@gitseal/manifests';
import { authForOrigin } from './chart-auth.js';
import { fetchChart, isOci, resolveChart } from './chart-fetch.js';
import type { ChartFetchOptions } from './chart-source.js';
import { pickChartVersion } from './chart-version-pick.js';
import { readChartYaml } from './chart-yaml.js';
import { isInside } from './source-path.js';
import { SyncError, SyncErrorCode } from './sync-error.js';

export interface VendorOptions extends ChartFetchOptions {
  /** file:// dependencies must stay inside this folder (the checkout). */
  readonly root: string;
  /** The chart source's URL: credentials go only to dependencies with its origin. */
  readonly authOrigin?: string;
}

/** A Chart.yaml (or requirements.yaml) dependency. */
export interface ChartDependency {
  readonly name: string;
  readonly version?: string;
  readonly repository?: string;
}

const MAX_DEPENDENCIES = 100;
const MAX_DEPTH = 5;
const DEP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

/**
 * Fills `chartDir/charts/` with the Chart.yaml dependencies not already there: Chart.lock's versions when the lock
 * matches Chart.yaml (same dependencies, each locked version inside its range), else the newest in each range.
 * From https:// and oci:// repositories, and file:// folders inside `root` (copied, with their own dependencies
 * vendored). `@name`/`alias:` repositories (helm repo add) are refused.
 */
export async function vendorDependencies(chartDir: string, o: VendorOptions): Promise<void> {
  try {
    const realRoot = await realpath(o.root);
    const realChart = await realpath(chartDir);
    await vendorInto(realChart, realChart, o, realRoot, 0);
  } catch (error) {
    if (error instanceof SyncError) throw error;
    // A file-system error's message holds paths and may quote more: keep its code only.
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).name;
    fail(`chart ${basename(chartDir)}`, `vendoring dependencies failed (${code})`);
  }
}

async function vendorInto(
  chartDir: string,
  sourceDir: string,
  o: VendorOptions,
  realRoot: string,
  depth: number,
): Promise<void> {
  const shown = shownChart(realRoot, sourceDir);
  if (depth > MAX_DEPTH) fail(shown, `file:// dependencies nest deeper than ${MAX_DEPTH} levels`);
  const deps = await readDependencies(chartDir, shown);
  if (deps.length === 0) return;
  if (deps.length > MAX_DEPENDENCIES) fail(shown, `more than ${MAX_DEPENDENCIES} dependencies`);
  const locked = await lockedVersions(chartDir, deps, shown);
  const chartsDir = join(chartDir, 'charts');
  await mkdir(chartsDir, { recursive: true });
  const done = new Set<string>();
  for (const dep of deps) {
    const version = locked?.get(depKey(dep)) ?? dep.version;
    const key = `${dep.name}@${version ?? ''}`;
    if (done.has(key)) continue;
    done.add(key);
    if (await isVendored(chartsDir, dep.name, version)) continue;
    const where = `${shown} dependency ${dep.name}`;
    const repository = dep.repository ?? '';
    if (repository === '') fail(where, 'is not in charts/ and has no repository');
    if (repository.startsWith('@') || repository.startsWith('alias:')) {
      fail(
        where,
        `repository ${JSON.stringify(repository.slice(0, 80))} is a helm repo add name; give the repository URL`,
      );
    }
    if (/^file:\/\//i.test(repository)) {
      await vendorLocal(chartsDir, sourceDir, dep, repository, o, realRoot, depth, where);
    } else if (isOci(repository) || /^https?:\/\//i.test(repository)) {
      const spec = { url: repository, name: dep.name, ...(version !== undefined ? { version } : {}) };
      const auth = authForOrigin(o.auth, o.authOrigin, repository);
      const { auth: _given, ...rest } = o;
      const fetchOptions: ChartFetchOptions = auth !== undefined ? { ...rest, auth } : rest;
      const resolved = await resolveChart(spec, fetchOptions);
      const tgz = await fetchChart(spec, resolved, fetchOptions);
      await placeAtomically(tgz, join(chartsDir, `${dep.name}-${resolved.version}.tgz`));
    } else {
      fail(
        where,
        `unsupported repository ${JSON.stringify(repository.slice(0, 80))} (use https://, oci:// or file://)`,
      );
    }
  }
}

async function vendorLocal(
  chartsDir: string,
  sourceDir: string,
  dep: ChartDependency,
  repository: string,
  o: VendorOptions,
  realRoot: string,
  depth: number,
  where: string,
): Promise<void> {
  let real: string;
  try {
    real = await realpath(resolve(sourceDir, decodeURIComponent(repository.replace(/^file:\/\//i, ''))));
  } catch {
    fail(where, `${repository.slice(0, 120)} does not exist`);
  }
  if (!isInside(realRoot, real)) fail(where, `${repository.slice(0, 120)} is outside the repository (refused)`);
  if (isInside(real, sourceDir)) fail(where, `${repository.slice(0, 120)} holds the chart itself (a cycle)`);
  await checkLinksInside(real, realRoot, where);
  const dest = join(chartsDir, dep.name);
  const temp = `${dest}.vendoring-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  await cp(real, temp, { recursive: true, verbatimSymlinks: true });
  await vendorInto(temp, real, o, realRoot, depth + 1);
  await rm(dest, { recursive: true, force: true });
  await rename(temp, dest);
}

/** Refuses a symbolic link in a file:// chart that leads outside the repository. */
async function checkLinksInside(dir: string, realRoot: string, where: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) {
      const real = await realpath(path).catch(() => undefined);
      if (real === undefined || !isInside(realRoot, real)) {
        fail(where, `${relative(realRoot, path)} is a link that leaves the repository (refused)`);
      }
    } else if (entry.isDirectory()) await checkLinksInside(path, realRoot, where);
  }
}

async function placeAtomically(from: string, to: string): Promise<void> {
  const temp = `${to}.vendoring-${process.pid}`;
  await copyFile(from, temp);
  await rename(temp, to);
}

/** Already in charts/: a folder of that name, or `<name>-<version>.tgz` with a version the constraint takes. */
async function isVendored(chartsDir: string, name: string, wanted: string | undefined): Promise<boolean> {
  const entries = await readdir(chartsDir, { withFileTypes: true });
  if (entries.some((e) => e.isDirectory() && e.name === name)) return true;
  const versions = entries
    .filter((e) => e.isFile() && e.name.startsWith(`${name}-`) && e.name.endsWith('.tgz'))
    .map((e) => e.name.slice(name.length + 1, -'.tgz'.length));
  if (versions.length === 0) return false;
  try {
    return pickChartVersion(versions, wanted) !== undefined;
  } catch {
    return false;
  }
}

const readYaml = (path: string, shown: string) => readChartYaml(path, shown, SyncErrorCode.ChartFetchFailed);

/** Chart.yaml's dependencies (a v1 chart's requirements.yaml when Chart.yaml has none). */
async function readDependencies(chartDir: string, shown: string): Promise<ChartDependency[]> {
  const chart = await readYaml(join(chartDir, 'Chart.yaml'), `${shown}/Chart.yaml`);
  if (chart === undefined) fail(shown, 'has no Chart.yaml');
  let list = dependencyList(chart, `${shown}/Chart.yaml`);
  if (list.length === 0) {
    const requirements = await readYaml(join(chartDir, 'requirements.yaml'), `${shown}/requirements.yaml`);
    if (requirements !== undefined) list = dependencyList(requirements, `${shown}/requirements.yaml`);
  }
  return list;
}

function dependencyList(doc: JsonValue, shown: string): ChartDependency[] {
  if (!isPlainObject(doc)) fail(shown, 'is not a mapping');
  const deps = (doc as Record<string, JsonValue>)['dependencies'];
  if (deps === undefined || deps === null) return [];
  if (!Array.isArray(deps)) fail(shown, 'dependencies is not a list');
  return deps.map((d, i) => {
    const dep = isPlainObject(d)
      ? (d as Record<string, JsonValue>)
      : fail(shown, `dependencies[${i}] is not a mapping`);
    const name = dep['name'];
    if (typeof name !== 'string' || !DEP_NAME.test(name)) fail(shown, `dependencies[${i}].name is missing or invalid`);
    const version = typeof dep['version'] === 'number' ? String(dep['version']) : dep['version'];
    const repository = dep['repository'];
    if (version !== undefined && version !== null && typeof version !== 'string') {
      fail(shown, `dependencies[${i}].version is not a string`);
    }
    if (repository !== undefined && repository !== null && typeof repository !== 'string') {
      fail(shown, `dependencies[${i}].repository is not a string`);
    }
    return {
      name,
      ...(typeof version === 'string' && version !== '' ? { version } : {}),
      ...(typeof repository === 'string' ? { repository } : {}),
    };
  });
}

const depKey = (d: ChartDependency) => `${d.name}\u0000${(d.repository ?? '').replace(/\/+$/, '')}`;

/** Chart.lock's versions by dependency, when the lock matches Chart.yaml; else undefined (ranges are used). */
async function lockedVersions(
  chartDir: string,
  deps: readonly ChartDependency[],
  shown: string,
): Promise<Map<string, string> | undefined> {
  let lock = await readYaml(join(chartDir, 'Chart.lock'), `${shown}/Chart.lock`);
  lock ??= await readYaml(join(chartDir, 'requirements.lock'), `${shown}/requirements.lock`);
  if (lock === undefined) return undefined;
  let entries: ChartDependency[];
  try {
    entries = dependencyList(lock, `${shown}/Chart.lock`);
  } catch {
    return undefined;
  }
  const locked = new Map(entries.filter((e) => e.version !== undefined).map((e) => [depKey(e), e.version as string]));
  const wanted = new Set(deps.map(depKey));
  if (locked.size !== wanted.size || ![...wanted].every((k) => locked.has(k))) return undefined;
  for (const dep of deps) {
    const version = locked.get(depKey(dep)) as string;
    try {
      if (pickChartVersion([version], dep.version) === undefined) return undefined;
    } catch {
      return undefined;
    }
  }
  return locked;
}

function shownChart(realRoot: string, dir: string): string {
  const rel = relative(realRoot, dir);
  return `chart ${rel === '' ? basename(dir) || '.' : rel.startsWith('..') ? basename(dir) : rel}`;
}

function fail(where: string, why: string): never {
  throw new SyncError(SyncErrorCode.ChartFetchFailed, `${where}: ${why}`);
}
