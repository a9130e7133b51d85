import { applyObjects } from './apply-objects.js';
import { namespaceForRender } from './desired-object.js';
import { splitRevision } from './hook-phase.js';
import { inventoryId } from './inventory.js';
import { listLiveLabelled, liveScopes } from './live-objects.js';
import { resolveObjectScopes, scopeResolver } from './object-scope.js';
import { planApply } from './plan-apply.js';
import type { RenderedObject } from './render.js';
import { renderInChild } from './render-in-child.js';
import type { RenderRequest } from './render-messages.js';
import { SyncError } from './sync-error.js';
import { versionOfChartRevision } from './chart-revision.js';
import { helmSettingsFor } from './helm-settings-for.js';
import type { SyncRevisionInput } from './sync-revision.js';

/** The objects of the last revision applied successfully, kept to undo drift while a newer head is refused. */
export interface LastApplied {
  readonly revision: string;
  readonly objects: readonly RenderedObject[];
}

/** What undoing drift to the last applied revision did (one line per failure, safe). */
export interface HealResult {
  readonly revision: string;
  readonly applied: number;
  readonly unchanged: number;
  /** Why it could not be done (the head's failure is reported anyway). */
  readonly failed?: string;
}

export interface HealOptions {
  readonly deadline: number;
  /** The revision checks of the sync (tenancy, preflight): settings may have changed since it was applied. */
  readonly check: (objects: readonly RenderedObject[]) => Promise<{ message: string } | undefined>;
  readonly onWrite: (id: string) => void;
}

/** The commit of a Flux-style revision (`main@sha1:<hex>`, `sha256:<hex>`), or undefined. */
export function commitOfRevision(revision: string): string | undefined {
  return /(?:^|@)sha(?:1|256):([0-9a-f]{40}|[0-9a-f]{64})$/.exec(revision)?.[1];
}

/** The chart of a chart revision (`<version>@sha256:<hex>`), to fetch again by its digest (usually cached). */
function chartAt(url: string, name: string, revision: string): RenderRequest['chart'] {
  const at = versionOfChartRevision(revision);
  if (!at) return undefined;
  return {
    source: { url, name, version: at.version },
    resolved: { name, version: at.version, digest: at.digest, location: url },
  };
}

/** The last applied revision's objects: remembered, or rendered again at its commit (after a restart). */
async function lastAppliedObjects(input: SyncRevisionInput, revision: string, deadline: number) {
  const remembered = input.state.lastApplied;
  if (remembered?.revision === revision) return remembered.objects;
  const { spec } = input.gitSync;
  const chart = spec.source.chart ? chartAt(spec.source.url, spec.source.chart.name, revision) : undefined;
  const commit = spec.source.chart ? undefined : commitOfRevision(revision);
  if (chart === undefined && commit === undefined) return undefined;
  const request: RenderRequest = {
    url: spec.source.url,
    ...(commit ? { ref: { commit } } : {}),
    ...(chart ? { chart } : {}),
    ...(input.auth ? { auth: input.auth } : {}),
    ...(input.allowHttp === undefined ? {} : { allowHttp: input.allowHttp }),
    ...(input.allowFile === undefined ? {} : { allowFile: input.allowFile }),
    cacheDir: input.cacheDir,
    ...(spec.source.path ? { path: spec.source.path } : {}),
    helm: await helmSettingsFor(input.gitSync, {
      reader: input.reader,
      ...(input.capabilities ? { capabilities: input.capabilities } : {}),
    }),
  };
  const out = input.renderRevision
    ? await input.renderRevision(request)
    : await renderInChild(request, { timeoutMs: Math.max(1_000, deadline - Date.now()), ...input.render });
  const objects = await resolveObjectScopes(out.objects, {
    scopeOf: scopeResolver(
      input.discovery,
      out.objects.map((r) => r.object),
    ),
    targetNamespace: namespaceForRender(input.gitSync, out.chart !== undefined),
  });
  // Hooks ran with that revision; only its ordinary objects are kept in place.
  const { main } = splitRevision(objects);
  input.state.lastApplied = { revision, objects: main };
  return main;
}

/**
 * While the head revision cannot be applied (refused by preflight, unrenderable, unreachable), drift is still
 * undone: the last applied revision's objects are applied again — only those in the inventory, only changed
 * ones, never one another GitSync holds, no prune, no health wait. Never throws.
 */
export async function healToLastApplied(
  input: SyncRevisionInput,
  options: HealOptions,
): Promise<HealResult | undefined> {
  const revision = input.lastAppliedRevision;
  if (!revision || input.inventory.length === 0) return undefined;
  try {
    const objects = await lastAppliedObjects(input, revision, options.deadline);
    if (objects === undefined) return undefined;
    const refused = await options.check(objects);
    if (refused) return { revision, applied: 0, unchanged: 0, failed: refused.message };
    const inventory = new Set(input.inventory.map((e) => e.id));
    const plan = planApply(objects, input.gitSync);
    const planned = plan.objects.filter((p) => inventory.has(inventoryId(p.object)));
    const scopes = liveScopes(
      planned.map((p) => p.object),
      [],
    );
    const { ours: live, others } = await listLiveLabelled(input.reader, scopes, plan.label);
    const result = await applyObjects({
      applier: input.applier,
      reader: input.reader,
      objects: planned.filter((p) => !others.has(inventoryId(p.object))),
      live,
      records: input.state.records,
      deadline: options.deadline,
      onWrite: options.onWrite,
      ...(input.gitSync.spec.ignoreDifferences ? { ignoreDifferences: input.gitSync.spec.ignoreDifferences } : {}),
    });
    return { revision, applied: result.applied.length, unchanged: result.unchanged.length };
  } catch (error) {
    const failed = error instanceof SyncError ? error.message : 'failed';
    return { revision, applied: 0, unchanged: 0, failed };
  }
}
