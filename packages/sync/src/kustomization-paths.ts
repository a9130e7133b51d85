import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { decodeUtf8Text, loadDocuments, ManifestError, type JsonValue } from '@gitseal/manifests';
import { hasControlChars } from './control-chars.js';
import { KUSTOMIZATION_FILES } from './kustomization-file.js';
import { isRemoteReference } from './kustomize-remote.js';
import { kustomizationRefs, pluginConfigRefs, RefKind, type KustomizationRef } from './kustomization-refs.js';
import { isInside } from './source-path.js';
import { SyncError, SyncErrorCode } from './sync-error.js';

export interface KustomizationCheckLimits {
  /** Kustomization files in the whole graph. */
  maxKustomizations?: number;
  /** Size of one kustomization or plugin config file. */
  maxFileBytes?: number;
  /** Paths named in all of them together. */
  maxReferences?: number;
}

export const DEFAULT_KUSTOMIZATION_CHECK_LIMITS = {
  maxKustomizations: 1000,
  maxFileBytes: 1024 * 1024,
  maxReferences: 100_000,
} as const;

const YAML_CAPS = { maxAliases: 1000, maxAliasExpansion: 100_000, maxDepth: 64 };

function refuse(message: string): never {
  throw new SyncError(SyncErrorCode.KustomizationRefused, message);
}

/** An entry as shown in a message: quoted, cut short; never for remote entries (a URL may carry a token). */
const quoted = (path: string): string => JSON.stringify(path.length > 120 ? `${path.slice(0, 117)}...` : path);

const isKustomizationFile = (...paths: string[]): boolean =>
  paths.some((p) => (KUSTOMIZATION_FILES as readonly string[]).includes(basename(p)));

/** How a directory is visited: as a kustomization, or as one whose resources are plugin configs. */
interface Visit {
  /** For plugin directories: the kustomization that lists them, which their configs' paths are relative to. */
  readonly pluginBase?: string;
}

class KustomizationWalk {
  readonly #realRoot: string;
  readonly #limits: Required<KustomizationCheckLimits>;
  readonly #building = new Set<string>();
  readonly #done = new Set<string>();
  readonly visited: string[] = [];
  #references = 0;

  constructor(realRoot: string, limits: Required<KustomizationCheckLimits>) {
    this.#realRoot = realRoot;
    this.#limits = limits;
  }

  #shown(real: string): string {
    const rel = relative(this.#realRoot, real);
    return rel === '' ? '.' : rel.split(sep).join('/');
  }

  /** The kustomization file of a directory; several, or none, are refused as kustomize refuses them. */
  async #kustomizationFile(dir: string, via: string): Promise<string> {
    const found: string[] = [];
    for (const name of KUSTOMIZATION_FILES) {
      try {
        await lstat(join(dir, name));
        found.push(name);
      } catch {
        // not this name
      }
    }
    if (found.length === 0) refuse(`${via}: ${this.#shown(dir)} holds no kustomization`);
    if (found.length > 1) refuse(`${via}: ${this.#shown(dir)} holds more than one kustomization file`);
    return this.#inside(join(dir, found[0] ?? ''), `${via}: ${this.#shown(dir)}/${found[0] ?? ''}`);
  }

  /** The real path of `path`, refused when it is missing or leaves the checkout (also through a symlink). */
  async #inside(path: string, where: string): Promise<string> {
    if (!isInside(this.#realRoot, path)) refuse(`${where}: leaves the checkout`);
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      refuse(`${where}: not found in the checkout`);
    }
    if (!isInside(this.#realRoot, real)) refuse(`${where}: leaves the checkout through a symlink`);
    return real;
  }

  async #readYaml(file: string, shown: string, maxDocuments: number): Promise<JsonValue[]> {
    const stats = await stat(file);
    if (!stats.isFile()) refuse(`${shown}: not a file`);
    if (stats.size > this.#limits.maxFileBytes) refuse(`${shown}: larger than ${this.#limits.maxFileBytes} bytes`);
    try {
      return loadDocuments(decodeUtf8Text(await readFile(file), shown), {
        ...YAML_CAPS,
        source: shown,
        maxBytes: this.#limits.maxFileBytes,
        maxDocuments,
      });
    } catch (error) {
      if (error instanceof ManifestError) throw new SyncError(SyncErrorCode.RenderFailed, error.message);
      throw error;
    }
  }

  /** Checks one kustomization directory and everything it names. `via` names the entry that led here. */
  async dir(dir: string, via: string, visit: Visit = {}): Promise<void> {
    const key = `${visit.pluginBase ?? ''}\0${dir}`;
    if (this.#done.has(key)) return;
    if (this.#building.has(dir)) refuse(`${via}: ${this.#shown(dir)} is already being built (a cycle)`);
    if (this.visited.length >= this.#limits.maxKustomizations) {
      refuse(`${via}: more than ${this.#limits.maxKustomizations} kustomization files`);
    }
    const file = await this.#kustomizationFile(dir, via);
    const shown = this.#shown(file);
    this.visited.push(shown);
    // kustomize reads the first YAML document only: refuse anything it would not see.
    const [doc = null, ...more] = await this.#readYaml(file, shown, 10);
    if (more.some((d) => d !== null)) refuse(`${shown}: more than one YAML document`);
    const content = kustomizationRefs(doc, shown, { pluginDirectory: visit.pluginBase !== undefined });
    this.#building.add(dir);
    for (const { where, text } of content.inline) await this.#notAPath(dir, text, where);
    for (const ref of content.refs) await this.#ref(ref, dir, visit);
    this.#building.delete(dir);
    this.#done.add(key);
  }

  /** kustomize reads an inline entry as a path when it cannot take it as YAML: no such path may exist. */
  async #notAPath(dir: string, text: string, where: string): Promise<void> {
    try {
      await lstat(resolve(dir, text));
    } catch {
      return;
    }
    refuse(`${where}: inline YAML that is also the name of a file`);
  }

  /** A path named by a kustomization in `dir` (or, for plugin configs, by the kustomization that lists them). */
  async #ref(ref: KustomizationRef, dir: string, visit: Visit): Promise<void> {
    if (++this.#references > this.#limits.maxReferences) {
      refuse(`${ref.where}: more than ${this.#limits.maxReferences} paths in the kustomizations`);
    }
    const { path, where } = ref;
    if (path === '' || hasControlChars(path)) refuse(`${where}: empty or holds control characters`);
    if (isRemoteReference(path)) refuse(`${where}: remote resources are not allowed`);
    const at = ref.quote ? `${where} ${quoted(path)}` : where;
    if (isAbsolute(path) || path.startsWith('\\')) refuse(`${at}: absolute paths are not allowed`);
    const real = await this.#inside(resolve(dir, path), at);
    const isDir = (await stat(real)).isDirectory();
    // kustomize 5.5 fails on a kustomization file listed as a resource; newer ones build its directory.
    if (!isDir && (ref.kind === RefKind.Resource || ref.kind === RefKind.Plugin) && isKustomizationFile(path, real)) {
      return this.dir(dirname(real), at, ref.kind === RefKind.Plugin ? { pluginBase: dir } : visit);
    }
    switch (ref.kind) {
      case RefKind.File:
        if (isDir) refuse(`${at}: is a directory, not a file`);
        return;
      case RefKind.Component:
        if (!isDir) refuse(`${at}: is a file, not a directory`);
        return this.dir(real, at, visit);
      case RefKind.Resource:
        if (isDir) return this.dir(real, at, visit);
        if (visit.pluginBase !== undefined) await this.#pluginFile(real, visit.pluginBase);
        return;
      case RefKind.Plugin:
        if (isDir) return this.dir(real, at, { pluginBase: dir });
        return this.#pluginFile(real, dir);
    }
  }

  /** A file of plugin configs: each must be a builtin, and the files it reads are checked from `base`. */
  async #pluginFile(file: string, base: string): Promise<void> {
    const shown = this.#shown(file);
    const docs = await this.#readYaml(file, shown, 100);
    for (const [index, doc] of docs.entries()) {
      if (doc === null) continue;
      for (const ref of pluginConfigRefs(doc, `${shown}#${index}`)) await this.#ref(ref, base, {});
    }
  }
}

/**
 * Checks, before kustomize runs, every path the kustomization in `dir` names, through its bases, components,
 * patches, generator sources and plugin configs: each must be a relative path that exists in the checkout
 * (`realRoot`, a real path) and stays in it after symlinks. Remote references (URLs, git repositories),
 * absolute paths, Helm charts, plugins that are not kustomize builtins, cycles and very large graphs are
 * refused with a SyncError naming the file and the entry. Returns the kustomization files, as repository paths.
 */
export async function checkKustomizationPaths(
  realRoot: string,
  dir: string,
  limits: KustomizationCheckLimits = {},
): Promise<string[]> {
  const walk = new KustomizationWalk(realRoot, { ...DEFAULT_KUSTOMIZATION_CHECK_LIMITS, ...limits });
  const real = await realpath(dir);
  if (!isInside(realRoot, real)) refuse(`${relative(realRoot, dir) || '.'}: leaves the checkout`);
  await walk.dir(real, 'source path');
  return walk.visited;
}
