import { isPlainObject, loadDocuments, ManifestError, type JsonValue } from '@gitseal/manifests';
import { inlineLooksRemote } from './kustomize-remote.js';
import { SyncError, SyncErrorCode } from './sync-error.js';

/** How kustomize reads a path named in a kustomization. */
export const RefKind = {
  /** `resources`, `bases`: a file of objects, or a directory holding a kustomization. */
  Resource: 'resource',
  /** `components`: a directory holding a kustomization of kind Component. */
  Component: 'component',
  /** A file kustomize reads: crds, configurations, patches, replacements, openapi, generator sources. */
  File: 'file',
  /** `generators`, `transformers`, `validators`: a file of plugin configs, or a directory whose kustomization lists them. */
  Plugin: 'plugin',
} as const;
export type RefKind = (typeof RefKind)[keyof typeof RefKind];

export interface KustomizationRef {
  readonly kind: RefKind;
  /** The file and the entry, for messages: `apps/kustomization.yaml: configMapGenerator[0].files[1]`. */
  readonly where: string;
  /** The path as kustomize reads it (for a generator's `files`, the part after `key=`). */
  readonly path: string;
  /**
   * Whether messages may quote the path. Not for generator sources: `files: [password=s3cret]`, a literal put
   * under `files` by mistake, would otherwise end up in a condition.
   */
  readonly quote: boolean;
}

export interface KustomizationContent {
  /** Paths to check, in file order. */
  readonly refs: readonly KustomizationRef[];
  /** Inline entries (plugin configs, strategic-merge patches): they must not also name a path in the checkout. */
  readonly inline: readonly { readonly where: string; readonly text: string }[];
}

/** The generators and transformers compiled into kustomize 5 (`apiVersion: builtin`), Helm left out. */
export const BUILTIN_PLUGIN_KINDS: ReadonlySet<string> = new Set([
  'AnnotationsTransformer',
  'ConfigMapGenerator',
  'HashTransformer',
  'IAMPolicyGenerator',
  'ImageTagTransformer',
  'LabelTransformer',
  'NamespaceTransformer',
  'PatchJson6902Transformer',
  'PatchStrategicMergeTransformer',
  'PatchTransformer',
  'PrefixSuffixTransformer',
  'PrefixTransformer',
  'ReplacementTransformer',
  'ReplicaCountTransformer',
  'SecretGenerator',
  'SuffixTransformer',
  'ValueAddTransformer',
]);

const FUNCTION_ANNOTATIONS = ['config.kubernetes.io/function', 'config.k8s.io/function'];
const HELM_FIELDS = ['helmCharts', 'helmGlobals', 'helmChartInflationGenerator'];
const PLUGIN_DIR_FIELDS = new Set(['apiversion', 'kind', 'metadata', 'resources', 'bases', 'components']);
const INLINE_CAPS = { maxBytes: 256 * 1024, maxDocuments: 100, maxAliases: 100, maxAliasExpansion: 10_000 };

function refuse(message: string): never {
  throw new SyncError(SyncErrorCode.KustomizationRefused, message);
}

type Fields = ReadonlyMap<string, JsonValue>;

/**
 * The fields of a mapping by lower-cased name. kustomize decodes its files with Go's encoding/json, which
 * matches field names without regard to case (and folds some non-ASCII letters: "ſ" matches "s"), so
 * `Resources:` is `resources:`. Non-ASCII names and two names that fold to one are refused.
 */
function fieldsOf(value: Record<string, JsonValue>, where: string): Fields {
  const fields = new Map<string, JsonValue>();
  for (const [key, item] of Object.entries(value)) {
    if (!/^[\x20-\x7e]*$/.test(key)) refuse(`${where}: a field name is not plain ASCII`);
    const folded = key.toLowerCase();
    if (fields.has(folded)) refuse(`${where}: two fields differ only in case`);
    fields.set(folded, item);
  }
  return fields;
}

const isEmpty = (value: JsonValue | undefined): boolean =>
  value === undefined ||
  value === null ||
  (Array.isArray(value) && value.length === 0) ||
  (isPlainObject(value) && Object.keys(value).length === 0);

function stringList(value: JsonValue | undefined, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    refuse(`${where}: must be a list of strings`);
  }
  return value;
}

function objectList(value: JsonValue | undefined, where: string): Record<string, JsonValue>[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => isPlainObject(v))) refuse(`${where}: must be a list of mappings`);
  return value as Record<string, JsonValue>[];
}

function optionalString(value: JsonValue | undefined, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') refuse(`${where}: must be a string`);
  return value;
}

const isInlineText = (entry: string): boolean => entry.includes('\n') || entry.trimStart().startsWith('{');

/** Objects with apiVersion, kind and metadata.name, as kustomize needs to take an entry as inline YAML. */
function inlineObjects(text: string, where: string): Record<string, JsonValue>[] {
  let documents: JsonValue[];
  try {
    documents = loadDocuments(text, { ...INLINE_CAPS, source: where }).filter((d) => d !== null);
  } catch (error) {
    if (error instanceof ManifestError) refuse(`${where}: inline YAML that cannot be read`);
    throw error;
  }
  const named = (d: JsonValue): d is Record<string, JsonValue> =>
    isPlainObject(d) &&
    typeof d['apiVersion'] === 'string' &&
    typeof d['kind'] === 'string' &&
    isPlainObject(d['metadata']) &&
    typeof d['metadata']['name'] === 'string';
  if (documents.length === 0 || !documents.every(named) || inlineLooksRemote(text)) {
    refuse(`${where}: neither a path nor inline YAML with apiVersion, kind and metadata.name`);
  }
  return documents as Record<string, JsonValue>[];
}

const safeKind = (kind: unknown): string =>
  typeof kind === 'string' && /^[A-Za-z][A-Za-z0-9]{0,62}$/.test(kind) ? ` ${kind}` : '';

/** The files a generator (configMapGenerator item or builtin config) reads: `files` (`[key=]path`), `envs`, `env`. */
function generatorSources(fields: Fields, where: string): KustomizationRef[] {
  const files = stringList(fields.get('files'), `${where}.files`).map((entry, i) => ({
    kind: RefKind.File,
    quote: false,
    where: `${where}.files[${i}]`,
    path: entry.includes('=') ? entry.slice(entry.indexOf('=') + 1) : entry,
  }));
  const envs = stringList(fields.get('envs'), `${where}.envs`).map((path, i) => ({
    kind: RefKind.File,
    quote: false,
    where: `${where}.envs[${i}]`,
    path,
  }));
  const env = optionalString(fields.get('env'), `${where}.env`);
  return [
    ...files,
    ...envs,
    ...(env === undefined ? [] : [{ kind: RefKind.File, quote: false, where: `${where}.env`, path: env }]),
  ];
}

/** `path` of each mapping in a list (patches, patchesJson6902, replacements). */
function pathsOfItems(value: JsonValue | undefined, where: string): KustomizationRef[] {
  return objectList(value, where).flatMap((item, i) => {
    const path = optionalString(fieldsOf(item, `${where}[${i}]`).get('path'), `${where}[${i}].path`);
    return path === undefined ? [] : [{ kind: RefKind.File, where: `${where}[${i}].path`, path, quote: true }];
  });
}

interface Collected {
  refs: KustomizationRef[];
  inline: { where: string; text: string }[];
}

/** Strategic-merge patches: each entry is inline YAML or the path of a file. */
function strategicMergePatches(entries: readonly string[], where: string, out: Collected): void {
  entries.forEach((entry, i) => {
    const at = `${where}[${i}]`;
    if (isInlineText(entry)) {
      inlineObjects(entry, at);
      out.inline.push({ where: at, text: entry });
    } else out.refs.push({ kind: RefKind.File, where: at, path: entry, quote: true });
  });
}

/**
 * The files a plugin config reads, or a refusal: only kustomize's builtin generators and transformers are run
 * (`apiVersion: builtin`), never a KRM function, an exec or Go plugin, or the Helm inflator. kustomize reads
 * these paths relative to the kustomization that lists the plugin. `where` names the config in messages.
 */
export function pluginConfigRefs(doc: JsonValue, where: string): KustomizationRef[] {
  if (!isPlainObject(doc)) refuse(`${where}: a plugin config must be a mapping`);
  const metadata = doc['metadata'];
  const annotations = isPlainObject(metadata) ? metadata['annotations'] : undefined;
  if (isPlainObject(annotations) && FUNCTION_ANNOTATIONS.some((a) => Object.hasOwn(annotations, a))) {
    refuse(`${where}: KRM functions and exec plugins are not run`);
  }
  const kind = doc['kind'];
  if (kind === 'HelmChartInflationGenerator') refuse(`${where}: Helm charts are not rendered`);
  if (doc['apiVersion'] !== 'builtin' || typeof kind !== 'string' || !BUILTIN_PLUGIN_KINDS.has(kind)) {
    refuse(`${where}:${safeKind(kind)} is not a builtin generator or transformer (only apiVersion: builtin ones run)`);
  }
  const fields = fieldsOf(doc, where);
  const at = `${where}: ${kind}`;
  switch (kind) {
    case 'ConfigMapGenerator':
    case 'SecretGenerator':
      return generatorSources(fields, at);
    case 'PatchTransformer':
    case 'PatchJson6902Transformer': {
      const path = optionalString(fields.get('path'), `${at}.path`);
      return path === undefined ? [] : [{ kind: RefKind.File, where: `${at}.path`, path, quote: true }];
    }
    case 'PatchStrategicMergeTransformer': {
      const out: Collected = { refs: [], inline: [] };
      strategicMergePatches(stringList(fields.get('paths'), `${at}.paths`), `${at}.paths`, out);
      return out.refs;
    }
    case 'ReplacementTransformer':
      return pathsOfItems(fields.get('replacements'), `${at}.replacements`);
    default:
      return [];
  }
}

/** generators, transformers, validators: inline configs are checked here, the other entries are paths. */
function pluginEntries(entries: readonly string[], where: string, out: Collected): void {
  entries.forEach((entry, i) => {
    const at = `${where}[${i}]`;
    if (!isInlineText(entry)) {
      out.refs.push({ kind: RefKind.Plugin, where: at, path: entry, quote: true });
      return;
    }
    inlineObjects(entry, at).forEach((doc, d) => out.refs.push(...pluginConfigRefs(doc, `${at}#${d}`)));
    out.inline.push({ where: at, text: entry });
  });
}

function listRefs(fields: Fields, names: readonly string[], kind: RefKind, shown: string): KustomizationRef[] {
  return names.flatMap((name) =>
    stringList(fields.get(name.toLowerCase()), `${shown}: ${name}`).map((path, i) => ({
      kind,
      where: `${shown}: ${name}[${i}]`,
      path,
      quote: true,
    })),
  );
}

function generatorRefs(fields: Fields, shown: string): KustomizationRef[] {
  return ['configMapGenerator', 'secretGenerator'].flatMap((name) =>
    objectList(fields.get(name.toLowerCase()), `${shown}: ${name}`).flatMap((item, i) =>
      generatorSources(fieldsOf(item, `${shown}: ${name}[${i}]`), `${shown}: ${name}[${i}]`),
    ),
  );
}

function openapiRefs(fields: Fields, shown: string): KustomizationRef[] {
  const openapi = fields.get('openapi');
  if (openapi === undefined || openapi === null) return [];
  if (!isPlainObject(openapi)) refuse(`${shown}: openapi: must be a mapping`);
  const path = optionalString(fieldsOf(openapi, `${shown}: openapi`).get('path'), `${shown}: openapi.path`);
  return path === undefined ? [] : [{ kind: RefKind.File, where: `${shown}: openapi.path`, path, quote: true }];
}

/**
 * Every path a kustomization names, or a SyncError naming `shown` (its repository path) for what is refused
 * outright: Helm charts, plugins that are not builtin, fields of the wrong type. With `pluginDirectory` (a
 * directory listed under generators/transformers/validators) only resources, bases and components may be set,
 * so that the plugin configs kustomize collects are the files checked here and nothing rewrites them.
 */
export function kustomizationRefs(
  doc: JsonValue,
  shown: string,
  options: { pluginDirectory?: boolean } = {},
): KustomizationContent {
  if (doc === null) return { refs: [], inline: [] };
  if (!isPlainObject(doc)) refuse(`${shown}: a kustomization must be a mapping`);
  const fields = fieldsOf(doc, shown);
  for (const name of HELM_FIELDS) {
    if (!isEmpty(fields.get(name.toLowerCase()))) refuse(`${shown}: ${name}: Helm charts are not rendered`);
  }
  if (options.pluginDirectory && [...fields.keys()].some((k) => !PLUGIN_DIR_FIELDS.has(k))) {
    refuse(`${shown}: used as a plugin directory, so it may list only resources, bases and components`);
  }
  const out: Collected = {
    refs: [
      ...listRefs(fields, ['resources', 'bases'], RefKind.Resource, shown),
      ...listRefs(fields, ['components'], RefKind.Component, shown),
      ...listRefs(fields, ['crds', 'configurations'], RefKind.File, shown),
      ...generatorRefs(fields, shown),
      ...pathsOfItems(fields.get('patches'), `${shown}: patches`),
      ...pathsOfItems(fields.get('patchesjson6902'), `${shown}: patchesJson6902`),
      ...pathsOfItems(fields.get('replacements'), `${shown}: replacements`),
      ...openapiRefs(fields, shown),
    ],
    inline: [],
  };
  const patches = fields.get('patchesstrategicmerge');
  strategicMergePatches(stringList(patches, `${shown}: patchesStrategicMerge`), `${shown}: patchesStrategicMerge`, out);
  for (const name of ['generators', 'transformers', 'validators']) {
    pluginEntries(stringList(fields.get(name), `${shown}: ${name}`), `${shown}: ${name}`, out);
  }
  return out;
}
