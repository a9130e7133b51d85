import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  createApiDiscovery,
  createClusterCapabilities,
  isNotFound,
  KubeError,
  KubeErrorCode,
  makeObjectApi,
  describeObject,
  createRawApplier,
  type RawObjectClient,
} from '@gitseal/kube';
import type { GitSync, KubeObject } from '@gitseal/manifests';
import {
  desiredObject,
  inventoryEntry,
  inventoryId,
  objectKey,
  orderForApply,
  helmSettingsFor,
  isChartFolder,
  planPrune,
  renderSource,
  resolveObjectScopes,
  scopeResolver,
  splitRevision,
  SYNC_LABEL,
  syncLabel,
  type HelmRenderSettings,
  type PlannedObject,
  type RenderedObject,
} from '@gitseal/sync';
import { enclosingCheckout } from '../enclosing-checkout.js';
import { getGitSync } from '../git-sync-api.js';
import { CliError, wrapError } from '../cli-error.js';
import { formatDiff, hasDifferences } from '../format-diff.js';
import { openKubeSession, type ClusterOptions, type KubeConfig } from '../kube-session.js';
import { toCliError } from '../cli-error.js';
import { listLabelled } from '../list-labelled.js';
import { DiffAction, diffObject, type ObjectDiff } from '../object-diff.js';
import type { PruneLabel } from '../options.js';

export interface DiffOptions extends ClusterOptions {
  readonly path: string;
  readonly pruneLabel?: PruneLabel | undefined;
  readonly exitCode?: boolean | undefined;
}

export interface DiffResult {
  readonly text: string;
  readonly differences: boolean;
}

/** The field manager the sync engine applies with; the dry run must use the same to predict its result. */
export const FIELD_MANAGER = 'gitseal';

async function checkDirectory(path: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch {
    throw new CliError(`--path ${path}: no such directory`);
  }
  if (!isDirectory) throw new CliError(`--path ${path}: not a directory`);
}

/**
 * How a chart folder is rendered: with the spec.helm of the `--prune-label` GitSync (its valuesFrom read with the
 * caller's rights), else Helm's defaults with the folder's name as the release name; `.Capabilities` from the
 * cluster either way, as the engine does.
 */
async function helmSettings(
  path: string,
  namespace: string,
  kc: KubeConfig,
  pruneLabel: PruneLabel | undefined,
): Promise<HelmRenderSettings> {
  const gitSync = pruneLabel
    ? ((await getGitSync(kc, pruneLabel.namespace, pruneLabel.name)) as unknown as Pick<GitSync, 'metadata' | 'spec'>)
    : ({
        metadata: { name: releaseNameOf(path), namespace },
        spec: { source: { url: '' } },
      } satisfies Pick<GitSync, 'metadata' | 'spec'>);
  return helmSettingsFor(
    { ...gitSync, spec: { ...gitSync.spec, targetNamespace: gitSync.spec.targetNamespace ?? namespace } },
    { reader: makeObjectApi(kc), capabilities: createClusterCapabilities(kc) },
  );
}

/** A release name from a folder name: lower case, other characters as `-`, at most 53. */
function releaseNameOf(path: string): string {
  const name = basename(path)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 53)
    .replace(/-+$/, '');
  return name || 'release';
}

/** What the engine renders from one checkout: objects to apply (namespaces by API discovery) and hooks. */
export interface RenderedRevision {
  readonly main: readonly RenderedObject[];
  readonly hooks: readonly unknown[];
}

/**
 * A checkout's folder rendered as the sync engine does: kustomize or plain manifests (or a chart with `helm`), the
 * namespaces of the objects by API discovery with `namespace` for namespaced objects that name none, split into
 * objects and hooks. Shared by `gitseal diff` and the web UI's per-object diff.
 */
export async function renderCheckout(input: {
  readonly checkoutDir: string;
  readonly path?: string;
  readonly namespace: string;
  readonly kc: KubeConfig;
  readonly helm?: HelmRenderSettings;
}): Promise<RenderedRevision> {
  const objects = await renderSource({
    checkoutDir: input.checkoutDir,
    ...(input.path ? { path: input.path } : {}),
    ...(input.helm ? { helm: input.helm } : {}),
  });
  const scopeOf = scopeResolver(
    createApiDiscovery(input.kc),
    objects.map((o) => o.object),
  );
  return splitRevision(await resolveObjectScopes(objects, { scopeOf, targetNamespace: input.namespace }));
}

/** The folder rendered as the sync engine does (namespaces by API discovery), split into objects and hooks. */
async function render(
  path: string,
  namespace: string,
  kc: KubeConfig,
  pruneLabel: PruneLabel | undefined,
): Promise<RenderedRevision> {
  let split: RenderedRevision;
  try {
    const checkout = await enclosingCheckout(path);
    split = await renderCheckout({
      checkoutDir: checkout.checkoutDir,
      ...(checkout.path ? { path: checkout.path } : {}),
      namespace,
      kc,
      ...((await isChartFolder(path)) ? { helm: await helmSettings(path, namespace, kc, pruneLabel) } : {}),
    });
  } catch (error) {
    if (error instanceof KubeError) throw toCliError(error, 'API discovery');
    throw wrapError(path, error);
  }
  const seen = new Map<string, string>();
  for (const { object, source } of split.main) {
    const first = seen.get(objectKey(object));
    if (first !== undefined) {
      throw new CliError(`${path}: ${source}: ${describeObject(object)} is also defined in ${first}`);
    }
    seen.set(objectKey(object), source);
  }
  return split;
}

function asCliError(error: unknown, source: string, title: string): CliError {
  const cli = toCliError(error, title);
  return new CliError(`${source}: ${cli.message}`, cli.exitCode);
}

/** The sync label the engine would put on an object: the named GitSync's, else the one the live object carries. */
function labelFor(live: unknown, pruneLabel: PruneLabel | undefined): string | undefined {
  if (pruneLabel !== undefined) return syncLabel({ metadata: pruneLabel });
  const label = (live as KubeObject | undefined)?.metadata?.labels?.[SYNC_LABEL];
  return typeof label === 'string' ? label : undefined;
}

/**
 * Live object, dry-run result, and the comparison of the two for one object of the folder. The dry run sends the
 * object exactly as the sync engine would (desiredObject: sync label and applied-digest annotation), so a folder
 * that is in sync shows no change. Both are read as plain JSON: client-node's typed models would drop unknown
 * fields (and rename `x-kubernetes-*` keys), which shows differences that are not there.
 */
export async function diffOne(
  client: RawObjectClient,
  planned: PlannedObject,
  pruneLabel: PruneLabel | undefined,
): Promise<ObjectDiff> {
  const { source } = planned;
  const title = describeObject(planned.object);
  const pending = (note: string): ObjectDiff => ({
    action: DiffAction.Created,
    title,
    source,
    note,
    fields: [],
    keys: [],
  });
  let live: unknown;
  try {
    live = await client.read(planned.object);
  } catch (error) {
    const unserved = error instanceof KubeError && error.code === KubeErrorCode.InvalidObject;
    if (unserved && planned.waitsForCrd !== undefined)
      return pending(`its CRD ${planned.waitsForCrd} is in the folder`);
    throw asCliError(error, source, title);
  }
  const object = desiredObject(planned.object, labelFor(live, pruneLabel));
  let dryRun: unknown;
  try {
    dryRun = await client.apply(object);
  } catch (error) {
    if (live === undefined && isNotFound(error)) return pending('its namespace does not exist yet');
    throw asCliError(error, source, title);
  }
  return diffObject({ title, source, dryRun, live });
}

function isProduced(object: KubeObject): boolean {
  return (object.metadata?.ownerReferences ?? []).some((owner) => owner.controller === true);
}

/** Live objects carrying the GitSync's sync label that the folder no longer has, judged as the engine prunes. */
async function pruneDiffs(
  kc: KubeConfig,
  rendered: readonly RenderedObject[],
  pruneLabel: PruneLabel,
): Promise<{ diffs: ObjectDiff[]; notes: string[] }> {
  const label = syncLabel({ metadata: pruneLabel });
  let listed;
  try {
    listed = await listLabelled(kc, `${SYNC_LABEL}=${label}`);
  } catch (error) {
    throw toCliError(error, 'list labelled objects');
  }
  // Objects produced by a controller (a SealedSecret's Secret) were never applied from Git: the engine leaves them.
  const live = listed.objects.filter((object) => !isProduced(object));
  const plan = planPrune({
    inventory: live.map(inventoryEntry),
    desired: rendered,
    liveLabelled: live,
    label,
  });
  const byId = new Map(live.map((object) => [inventoryId(object), object]));
  const notes = plan.skipped.map((skip) => {
    const object = byId.get(skip.id);
    return `not pruned: ${object === undefined ? skip.id : describeObject(object)} (${skip.reason})`;
  });
  if (listed.unlisted.length > 0) {
    notes.push(`could not list ${listed.unlisted.join(', ')}: objects of those kinds are not checked for pruning`);
  }
  const diffs = plan.delete.map((object): ObjectDiff => ({
    action: DiffAction.Pruned,
    title: describeObject(object),
    fields: [],
    keys: [],
  }));
  return { diffs, notes };
}

/**
 * `gitseal diff --path DIR`: renders the folder as the sync engine would and compares each object, built exactly as
 * the engine applies it, with the live cluster through a server-side-apply dry run (field manager `gitseal`).
 * Objects that name no namespace go to `-n`, else to the namespace of the `--prune-label` GitSync, else the
 * context's. Secret values and ciphertext are never printed: Secrets and SealedSecrets are compared per key.
 */
export async function runDiff(options: DiffOptions): Promise<DiffResult> {
  await checkDirectory(options.path);
  const { kc, namespace } = openKubeSession(options);
  const target = options.namespace ?? options.pruneLabel?.namespace ?? namespace;
  // Hooks are created afresh when a revision runs them: there is nothing live to compare them with.
  const split = await render(options.path, target, kc, options.pruneLabel);
  const rendered = split.main;
  const client = createRawApplier(kc, { fieldManager: FIELD_MANAGER, dryRun: true });
  const diffs: ObjectDiff[] = [];
  for (const item of orderForApply(rendered)) diffs.push(await diffOne(client, item, options.pruneLabel));
  const notes: string[] = [];
  if (split.hooks.length > 0)
    notes.push(`${split.hooks.length} hook(s) not compared: they are created afresh when they run`);
  if (options.pruneLabel !== undefined) {
    const pruned = await pruneDiffs(kc, rendered, options.pruneLabel);
    diffs.push(...pruned.diffs);
    notes.push(...pruned.notes);
  }
  return { text: formatDiff(diffs, notes), differences: hasDifferences(diffs) };
}
