import type { PrivateKeyRing } from '@gitseal/crypto';
import { createHash } from 'node:crypto';
import { KubeError, type ApiDiscovery, type ClusterCapabilities, type Applier } from '@gitseal/kube';
import type { GitSync, InventoryEntry } from '@gitseal/manifests';
import type { AppliedRecord } from './applied-digest.js';
import { namespaceForRender } from './desired-object.js';
import { normalizeInventory } from './inventory-scope.js';
import { checkObjectNames } from './object-names.js';
import { resolveObjectScopes, scopeResolver } from './object-scope.js';
import type { GitAuth } from './git-auth.js';
import { resolveChart } from './chart-fetch.js';
import { chartRevision } from './chart-revision.js';
import type { ChartSourceSpec, ResolvedChart } from './chart-source.js';
import { helmSettingsFor } from './helm-settings-for.js';
import type { HelmRenderSettings, RenderedChart } from './helm-settings.js';
import { healToLastApplied, type HealResult, type LastApplied } from './last-applied.js';
import { resolveRevision } from './git-source.js';
import { objectsToCheck, splitRevision, type PlannedHook } from './hook-phase.js';
import { listLiveLabelled, liveScopes, type ObjectApi } from './live-objects.js';
import { checkOwnership, type OwningGitSync } from './ownership.js';
import { planApply } from './plan-apply.js';
import { preflight, type PreflightCache, type SealedSecretVerifier } from './preflight.js';
import { pruneObjects } from './prune-objects.js';
import { planPrune } from './prune.js';
import type { RenderedObject } from './render.js';
import { renderInChild, resolveChartInChild, type RenderInChildOptions } from './render-in-child.js';
import type { RenderRequest } from './render-messages.js';
import { revisionDigest } from './revision-digest.js';
import { applySyncPhases, runSyncFailHooks, type SyncPhasesInput } from './sync-phases.js';
import { checkSsaPolicies } from './ssa-policy.js';
import { SyncError, SyncReason } from './sync-error.js';
import { checkTenancyScope, inventoryInScope, type TenancyScope } from './tenancy-scope.js';
import { waitHealthy } from './wait-healthy.js';

/** What one GitSync's engine remembers between runs (in memory; a restart only costs a re-render). */
export interface SyncState {
  /** Last rendered revision, reused while revision and source settings stay the same. */
  rendered?: RememberedRender | undefined;
  /** What apply wrote, by inventory id (see isUnchanged). */
  readonly records: Map<string, AppliedRecord>;
  /** The last revision applied successfully (see healToLastApplied). */
  lastApplied?: LastApplied;
}

/** A render kept for the next run: reused while the revision and the render key stay the same. */
export interface RememberedRender {
  readonly key: string;
  readonly revision: string;
  readonly objects: readonly RenderedObject[];
  /** Set when the source was a Helm chart: then the Helm settings (values, capabilities) must match too. */
  readonly chart?: RenderedChart;
  readonly helmKey?: string;
  /**
   * What the render depended on (renderInputsKey: the source folder's tree, or the whole tree for a kustomization):
   * a new commit with the same key and the same source and Helm settings reuses these objects unrendered.
   */
  readonly inputs?: string;
}

export function createSyncState(): SyncState {
  return { records: new Map() };
}

/** Where the run ended. */
export const SyncStage = {
  Resolve: 'resolve',
  Render: 'render',
  Preflight: 'preflight',
  Apply: 'apply',
  Hooks: 'hooks',
  Prune: 'prune',
  Health: 'health',
  Done: 'done',
} as const;
export type SyncStage = (typeof SyncStage)[keyof typeof SyncStage];

export interface SyncRevisionInput {
  readonly gitSync: Pick<GitSync, 'metadata' | 'spec'>;
  /** The inventory of the last successful run (status.inventory.entries). */
  readonly inventory: readonly InventoryEntry[];
  /** Objects failed runs wrote that the inventory does not hold (status.inventory.pending): pruned like it. */
  readonly pending?: readonly InventoryEntry[] | undefined;
  /** API discovery: the scope of every kind (namespaces, inventory ids) comes from here, never from a manifest. */
  readonly discovery: ApiDiscovery;
  /** `.Capabilities` for Helm charts (kube version, served API versions); absent: helm's defaults. */
  readonly capabilities?: (() => Promise<ClusterCapabilities>) | undefined;
  readonly state: SyncState;
  readonly auth?: GitAuth | undefined;
  /** Writes (apply, prune): impersonating spec.serviceAccountName when set. */
  readonly applier: Applier;
  /** status.lastAppliedRevision: what drift is undone to while the head revision is refused. */
  readonly lastAppliedRevision?: string | undefined;
  readonly client: ObjectApi;
  /** Reads (live objects, waits, health): the same identity as the writes for a tenant GitSync. */
  readonly reader: ObjectApi;
  /** Where this GitSync may write; checked before anything is written. Absent: no tenancy rules (tests). */
  readonly tenancy?: TenancyScope | undefined;
  /** The GitSync behind a sync label value (undefined: gone); absent: every labelled object counts as owned. */
  readonly ownerOf?: (label: string) => OwningGitSync | undefined;
  readonly keys: PrivateKeyRing;
  /** Opens SealedSecrets during preflight; default: in this thread with `keys`. */
  readonly verifySealedSecret?: SealedSecretVerifier | undefined;
  readonly preflightCache: PreflightCache;
  readonly bitnamiCompat?: boolean | undefined;
  readonly cacheDir: string;
  readonly allowHttp?: boolean | undefined;
  readonly allowFile?: boolean | undefined;
  /** Largest fetched repository and checkout, in bytes (default 256 MiB). */
  readonly gitMaxBytes?: number | undefined;
  /** spec.timeout (or the interval) in ms. */
  readonly timeoutMs: number;
  readonly render?: RenderInChildOptions | undefined;
  /** Replaces the render child (tests). */
  readonly renderRevision?: (request: RenderRequest) => Promise<{
    revision: string;
    objects: readonly RenderedObject[];
    chart?: RenderedChart;
    inputs?: string;
    unchanged?: true;
  }>;
  readonly onWrite?: ((id: string) => void) | undefined;
  /** Called once the source is resolved, before anything is fetched or rendered (a commit status's pending). */
  readonly onResolved?: ((revision: string) => void) | undefined;
  /** Leader election: once false, nothing more is written (the appliers refuse too), not even SyncFail hooks. */
  readonly mayWrite?: (() => boolean) | undefined;
  /**
   * The digest of the last sync that reached apply, when it succeeded (lastSyncedDigest over status.history):
   * hooks run only for a revision whose digest differs, so a no-op resync or a drift correction runs none.
   */
  readonly lastSyncedDigest?: string | undefined;
}

export type SyncResultKind = 'Succeeded' | 'Failed';

export interface SyncRevisionResult {
  /** The resolved revision (empty when resolving failed). */
  readonly revision: string;
  readonly digest?: string;
  readonly applied: number;
  readonly unchanged: number;
  readonly pruned: number;
  readonly durationMs: number;
  readonly result: SyncResultKind;
  readonly stage: SyncStage;
  readonly reason?: SyncReason;
  /** One line, safe (no plaintext, no credentials). */
  readonly message?: string;
  /** The inventory to record: exactly this revision's objects after success, else the last successful one. */
  readonly inventory: readonly InventoryEntry[];
  /** Objects written by failed runs and not in `inventory`: pruned as if they were (empty after a success). */
  readonly pending: readonly InventoryEntry[];
  /** True when the revision was rendered afresh (false: the remembered render was reused). */
  readonly rendered: boolean;
  /** Hook objects created (PreSync, Sync, PostSync and SyncFail). */
  readonly hooks?: number;
  /** The head failed before any write, and drift was undone to the last applied revision (or that failed). */
  readonly healed?: HealResult;
  /** The Helm chart the revision rendered. */
  readonly chart?: RenderedChart;
}

/** A GitSync's renders share a worker process only with its own namespace's (a tenant's credentials stay its own). */
function isolationOf(gitSync: SyncRevisionInput['gitSync']): string {
  return gitSync.metadata.namespace ?? 'default';
}

/** What a render depends on (namespaces are given after it, by API discovery, so targetNamespace is not part). */
function renderKey(gitSync: SyncRevisionInput['gitSync']): string {
  const { source } = gitSync.spec;
  return JSON.stringify([source.url, source.ref ?? {}, source.path ?? '', source.chart?.name ?? '']);
}

function merge(previous: readonly InventoryEntry[], added: readonly InventoryEntry[]): InventoryEntry[] {
  const byId = new Map(previous.map((e) => [e.id, e]));
  for (const entry of added) byId.set(entry.id, entry);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function without(entries: readonly InventoryEntry[], remove: readonly InventoryEntry[]): InventoryEntry[] {
  const ids = new Set(remove.map((e) => e.id));
  return entries.filter((e) => !ids.has(e.id));
}

/** The mutable record of one run, turned into the result at the end. */
interface Run {
  readonly started: number;
  readonly deadline: number;
  revision: string;
  stage: SyncStage;
  digest?: string;
  applied: number;
  unchanged: number;
  pruned: number;
  rendered: boolean;
  inventory: readonly InventoryEntry[];
  pending: readonly InventoryEntry[];
  /** Inventory ids this run wrote, and the entries of the revision it planned (to record what a failure left). */
  readonly written: string[];
  readonly planned: Map<string, InventoryEntry>;
  hooks: number;
  /** Set once hooks may run: what runs the SyncFail hooks after a failure. */
  syncFail?: SyncPhasesInput;
  chart?: RenderedChart;
}

function finish(
  run: Run,
  result: SyncResultKind,
  extra: { reason?: SyncReason; message?: string } = {},
): SyncRevisionResult {
  return {
    revision: run.revision,
    ...(run.digest ? { digest: run.digest } : {}),
    applied: run.applied,
    unchanged: run.unchanged,
    pruned: run.pruned,
    durationMs: Date.now() - run.started,
    result,
    stage: run.stage,
    ...extra,
    inventory: run.inventory,
    pending: without(run.pending, run.inventory),
    rendered: run.rendered,
    hooks: run.hooks,
    ...(run.chart ? { chart: run.chart } : {}),
  };
}

function gitPolicy(input: SyncRevisionInput): { allowHttp?: boolean; allowFile?: boolean } {
  return {
    ...(input.allowHttp === undefined ? {} : { allowHttp: input.allowHttp }),
    ...(input.allowFile === undefined ? {} : { allowFile: input.allowFile }),
  };
}

/** Entries for the ids a failed run wrote (its API version from the inventory ids it planned). */
function writtenEntries(run: Run): InventoryEntry[] {
  return run.written.flatMap((id) => {
    const entry = run.planned.get(id);
    return entry ? [entry] : [];
  });
}

/** spec.source.chart resolved against its repository or registry: cheap, no chart is downloaded. */
async function resolveChartSource(
  input: SyncRevisionInput,
  timeoutMs: number,
): Promise<{ source: ChartSourceSpec; resolved: ResolvedChart }> {
  const { url, chart } = input.gitSync.spec.source;
  const source: ChartSourceSpec = {
    url,
    name: chart?.name ?? '',
    ...(chart?.version ? { version: chart.version } : {}),
  };
  const request = {
    resolveChart: source,
    cacheDir: input.cacheDir,
    timeoutMs,
    ...(input.auth ? { auth: input.auth } : {}),
    ...(input.allowHttp === undefined ? {} : { allowHttp: input.allowHttp }),
  };
  // In the render child: an index.yaml can be tens of MiB of YAML, too much to parse on the controller's loop.
  const resolved = input.renderRevision
    ? await resolveChart(source, request)
    : await resolveChartInChild(request, {
        timeoutMs: timeoutMs + 5_000,
        isolation: isolationOf(input.gitSync),
        ...input.render,
      });
  return { source, resolved };
}

/** The key of the Helm settings a chart was rendered with (a digest: the values may hold secrets). */
function helmKeyOf(settings: HelmRenderSettings): string {
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex');
}

/** The GitSync's persistent worktree in the render worker (a hex id; the worker keys it by URL too). */
function workspaceOf(gitSync: SyncRevisionInput['gitSync']): string {
  const { namespace, name } = gitSync.metadata;
  return createHash('sha256')
    .update(`${namespace ?? ''}/${name ?? ''}`)
    .digest('hex')
    .slice(0, 32);
}

type RenderAnswer = Awaited<ReturnType<NonNullable<SyncRevisionInput['renderRevision']>>>;

/** The source resolved: a chart's version in its repository, or the Git ref's commit (one `ls-remote`). */
async function resolveSource(input: SyncRevisionInput, run: Run) {
  const { spec } = input.gitSync;
  const source = {
    url: spec.source.url,
    ...(spec.source.ref ? { ref: spec.source.ref } : {}),
    ...(input.auth ? { auth: input.auth } : {}),
    ...gitPolicy(input),
  };
  const timeoutMs = Math.max(1_000, Math.min(input.timeoutMs, 30_000));
  const chart = spec.source.chart ? await resolveChartSource(input, timeoutMs) : undefined;
  const resolved = chart ? undefined : await resolveRevision({ ...source, timeoutMs });
  run.revision = chart ? chartRevision(chart.resolved) : (resolved?.revision ?? '');
  return { source, chart, resolved };
}

/** What the render worker gets: the source, where to check it out, and the inputs key of a render to reuse. */
function renderRequest(
  input: SyncRevisionInput,
  resolvedSource: Awaited<ReturnType<typeof resolveSource>>,
  helm: HelmRenderSettings,
  reuse: string | undefined,
): RenderRequest {
  const { source, chart, resolved } = resolvedSource;
  const { path } = input.gitSync.spec.source;
  return {
    ...source,
    cacheDir: input.cacheDir,
    ...(path ? { path } : {}),
    ...(input.gitMaxBytes === undefined ? {} : { gitMaxBytes: input.gitMaxBytes }),
    helm,
    ...(chart ? { chart } : {}),
    ...(resolved ? { resolved, workspace: workspaceOf(input.gitSync) } : {}),
    ...(reuse === undefined ? {} : { reuse }),
  };
}

/** The render to remember from the worker's answer (the remembered objects again when it answered `unchanged`). */
function renderFrom(
  out: RenderAnswer,
  run: Run,
  remembered: RememberedRender | undefined,
  keys: { key: string; helmKey: string; reuse: string | undefined },
): RememberedRender {
  run.revision = out.revision;
  if (remembered && out.unchanged === true && keys.reuse !== undefined) {
    if (remembered.chart) run.chart = remembered.chart;
    return { ...remembered, revision: out.revision };
  }
  run.rendered = true;
  if (out.chart) run.chart = out.chart;
  return {
    key: keys.key,
    revision: out.revision,
    objects: out.objects,
    helmKey: keys.helmKey,
    ...(out.chart ? { chart: out.chart } : {}),
    ...(out.inputs === undefined ? {} : { inputs: out.inputs }),
  };
}

/**
 * Resolve, then reuse the remembered render of that revision, or fetch it in the render worker and reuse the
 * remembered objects when the new commit's render inputs are the same (the worker answers `unchanged`), or render.
 */
async function resolveAndRender(input: SyncRevisionInput, run: Run): Promise<RememberedRender> {
  const resolvedSource = await resolveSource(input, run);
  input.onResolved?.(run.revision);
  run.stage = SyncStage.Render;
  const helm = await helmSettingsFor(input.gitSync, {
    reader: input.reader,
    ...(input.capabilities ? { capabilities: input.capabilities } : {}),
  });
  const key = renderKey(input.gitSync);
  const helmKey = helmKeyOf(helm);
  const remembered = input.state.rendered;
  if (
    remembered &&
    remembered.key === key &&
    remembered.revision === run.revision &&
    (remembered.chart === undefined || remembered.helmKey === helmKey)
  ) {
    if (remembered.chart) run.chart = remembered.chart;
    return remembered;
  }
  // Same source settings and Helm settings: a new commit whose render inputs did not change reuses the objects.
  const reuse = remembered?.key === key && remembered.helmKey === helmKey ? remembered.inputs : undefined;
  const request = renderRequest(input, resolvedSource, helm, reuse);
  const out = input.renderRevision
    ? await input.renderRevision(request)
    : await renderInChild(request, {
        timeoutMs: Math.max(1_000, run.deadline - Date.now()),
        isolation: isolationOf(input.gitSync),
        ...input.render,
      });
  input.state.rendered = undefined;
  return renderFrom(out, run, remembered, { key, helmKey, reuse });
}

/** Preflight plus the empty-revision rule; a failure message when the revision must not be applied. */
async function refuse(
  input: SyncRevisionInput,
  objects: readonly RenderedObject[],
): Promise<{ reason: SyncReason; message: string } | undefined> {
  const { spec } = input.gitSync;
  try {
    if (input.tenancy) checkTenancyScope(objects, input.tenancy);
    checkSsaPolicies(objects);
  } catch (error) {
    if (error instanceof SyncError) return { reason: error.reason, message: error.message };
    throw error;
  }
  const checked = await preflight(objects, {
    keys: input.keys,
    ...(input.verifySealedSecret ? { verify: input.verifySealedSecret } : {}),
    cache: input.preflightCache,
    ...(spec.allowPlainSecrets ? { allowPlainSecrets: true } : {}),
    ...(input.bitnamiCompat ? { bitnamiCompat: true } : {}),
  });
  if (!checked.ok) return { reason: checked.reason, message: checked.message };
  if (objects.length === 0 && !spec.allowEmpty) {
    return {
      reason: SyncReason.InvalidManifest,
      message: `${spec.source.path || '.'}: renders no objects (set spec.allowEmpty to allow an empty revision)`,
    };
  }
  return undefined;
}

/** Apply, prune and health of a preflighted revision. */
async function applyRevision(
  input: SyncRevisionInput,
  run: Run,
  objects: readonly RenderedObject[],
  hooks: readonly PlannedHook[],
  digest: string,
): Promise<SyncRevisionResult> {
  const { spec } = input.gitSync;
  const plan = planApply(objects, input.gitSync);
  run.digest = digest;
  run.stage = SyncStage.Apply;
  for (const entry of plan.inventory) run.planned.set(entry.id, entry);
  const known = merge(input.inventory, input.pending ?? []);
  const scopes = liveScopes(
    plan.objects.map((p) => p.object),
    known,
  );
  const { ours: live, others } = await listLiveLabelled(input.reader, scopes, plan.label);
  checkOwnership({
    objects: plan.objects,
    others,
    ownerOf: input.ownerOf ?? ((label) => ({ namespace: '', name: label })),
    namespace: input.gitSync.metadata.namespace ?? 'default',
  });
  const phases: SyncPhasesInput = {
    applier: input.applier,
    client: input.client,
    reader: input.reader,
    objects: plan.objects,
    live,
    records: input.state.records,
    deadline: run.deadline,
    onWrite: (id: string) => {
      run.applied++;
      run.written.push(id);
      input.onWrite?.(id);
    },
    label: plan.label,
    hooks,
    runHooks: hooks.length > 0 && run.digest !== input.lastSyncedDigest,
    ...(spec.targetNamespace ? { targetNamespace: spec.targetNamespace } : {}),
    createNamespace: spec.createNamespace === true,
    ...(spec.healthChecks ? { healthChecks: spec.healthChecks } : {}),
    onStage: (stage) => (run.stage = stage),
    onHookCreated: () => run.hooks++,
    ...(spec.ignoreDifferences ? { ignoreDifferences: spec.ignoreDifferences } : {}),
  };
  run.syncFail = phases;
  const result = await applySyncPhases(phases);
  run.unchanged = result.unchanged.length;
  if (spec.prune !== false) {
    run.stage = SyncStage.Prune;
    const prunePlan = planPrune({
      inventory: known,
      desired: plan.objects,
      liveLabelled: [...live.values()],
      label: plan.label,
      allowEmpty: spec.allowEmpty === true,
    });
    run.pruned = (await pruneObjects(input.client, prunePlan, input.state.records)).length;
  }
  const applied = plan.inventory;
  if (spec.wait) {
    run.stage = SyncStage.Health;
    const objectsOf = plan.objects.map((p) => p.object);
    const health = await waitHealthy({
      reader: input.reader,
      objects: objectsOf,
      deadline: run.deadline,
      ...(spec.healthChecks ? { healthChecks: spec.healthChecks } : {}),
    });
    if (!health.healthy) {
      // Applied but not healthy: not a successful revision, so the inventory stays; what it wrote is pending.
      run.pending = merge(run.pending, applied);
      return finish(run, 'Failed', { reason: SyncReason.HealthCheckFailed, message: health.message });
    }
  }
  run.inventory = applied;
  run.pending = [];
  run.stage = SyncStage.Done;
  return finish(run, 'Succeeded');
}

/** The head failed before its first write: report that, and still undo drift to the last applied revision. */
async function failedBeforeApply(
  input: SyncRevisionInput,
  run: Run,
  failure: { reason: SyncReason; message: string },
): Promise<SyncRevisionResult> {
  const healed = await healToLastApplied(input, {
    deadline: run.deadline,
    check: (objects) => refuse(input, objects),
    onWrite: (id) => {
      run.applied++;
      input.onWrite?.(id);
    },
  });
  return finish(run, 'Failed', { ...failure, ...(healed ? { healed } : {}) });
}

const BEFORE_APPLY: ReadonlySet<SyncStage> = new Set([SyncStage.Resolve, SyncStage.Render, SyncStage.Preflight]);

/**
 * One sync of a GitSync: resolve the ref → fetch + render in a child process (skipped when the revision and
 * source are unchanged) → preflight (nothing is applied unless every SealedSecret opens; hooks and skipped objects
 * are checked too) → plan → targetNamespace (spec.createNamespace) → CRDs and Namespaces → PreSync hooks → the
 * rest in sync waves (only changed objects are written) → PostSync hooks → prune (spec.prune, never after a failed
 * fetch, render, preflight, hook or wave) → wait for health (spec.wait); SyncFail hooks after a failure from the
 * PreSync hooks on. Hooks run only when the revision's digest is not `lastSyncedDigest`. Never throws for sync
 * failures: the result carries reason and message.
 */
export async function syncRevision(given: SyncRevisionInput): Promise<SyncRevisionResult> {
  const held: { run?: Run } = {};
  const result = await syncOnce(given, held);
  const run = held.run;
  // A replica that lost its Lease runs no SyncFail hooks either: they are writes too.
  if (result.result !== 'Failed' || !run?.syncFail || given.mayWrite?.() === false) return result;
  // SyncFail hooks after a failure from the PreSync hooks on (only when this revision runs its hooks).
  const syncFail = await runSyncFailHooks(run.syncFail);
  const note = syncFail.note ? `; ${syncFail.note}` : '';
  return {
    ...result,
    hooks: run.hooks,
    durationMs: Date.now() - run.started,
    message: `${result.message ?? ''}${note}`,
  };
}

async function syncOnce(given: SyncRevisionInput, held: { run?: Run }): Promise<SyncRevisionResult> {
  // An inventory entry outside the GitSync's scope (written before a lockdown, or forged) is never pruned.
  const scoped = (entries: readonly InventoryEntry[]): InventoryEntry[] =>
    given.tenancy ? inventoryInScope(entries, given.tenancy) : [...entries];
  const input = { ...given, inventory: scoped(given.inventory), pending: scoped(given.pending ?? []) };
  const started = Date.now();
  const run: Run = {
    started,
    deadline: started + input.timeoutMs,
    revision: '',
    stage: SyncStage.Resolve,
    applied: 0,
    unchanged: 0,
    pruned: 0,
    rendered: false,
    inventory: input.inventory,
    pending: input.pending,
    written: [],
    planned: new Map(),
    hooks: 0,
  };
  held.run = run;
  try {
    const render = await resolveAndRender(input, run);
    const rendered = render.objects;
    run.stage = SyncStage.Preflight;
    // Inventories written before scopes came from discovery may hold cluster-scoped objects with a namespace.
    run.inventory = input.inventory = await normalizeInventory(input.inventory, input.discovery);
    run.pending = input.pending = await normalizeInventory(input.pending, input.discovery);
    checkObjectNames(rendered);
    const objects = await resolveObjectScopes(rendered, {
      scopeOf: scopeResolver(
        input.discovery,
        rendered.map((r) => r.object),
      ),
      targetNamespace: namespaceForRender(input.gitSync, render.chart !== undefined),
    });
    const split = splitRevision(objects);
    const refused = await refuse(input, objectsToCheck(objects));
    if (refused) return await failedBeforeApply(input, run, refused);
    // As rendered: scopes and namespaces are resolved again on every run (a CRD may appear, targetNamespace change).
    input.state.rendered = render;
    const result = await applyRevision(input, run, split.main, split.hooks, revisionDigest(objects));
    if (result.result === 'Succeeded') input.state.lastApplied = { revision: run.revision, objects: split.main };
    return result;
  } catch (error) {
    run.pending = merge(run.pending, writtenEntries(run));
    if (error instanceof SyncError && BEFORE_APPLY.has(run.stage)) {
      return await failedBeforeApply(input, run, { reason: error.reason, message: error.message });
    }
    if (error instanceof SyncError) return finish(run, 'Failed', { reason: error.reason, message: error.message });
    // A KubeError's message is safe by construction (object, status, reason; never a body).
    if (error instanceof KubeError)
      return finish(run, 'Failed', { reason: SyncReason.ApplyFailed, message: error.message });
    const message = error instanceof Error ? `${run.stage} failed: ${error.name}` : `${run.stage} failed`;
    const reason = run.stage === SyncStage.Resolve ? SyncReason.GitFetchFailed : SyncReason.ApplyFailed;
    return finish(run, 'Failed', { reason, message });
  }
}
