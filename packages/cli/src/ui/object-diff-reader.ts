import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeError, createRawApplier } from '@gitseal/kube';
import type { KubeObject, UiFieldChange, UiKeyChange, UiObjectDiff } from '@gitseal/manifests';
import {
  commitOfRevision,
  desiredObject,
  fetchRevision,
  isChartFolder,
  orderForApply,
  removeCheckout,
  syncLabel,
  targetNamespaceOf,
  type PlannedObject,
} from '@gitseal/sync';
import { CliError, ExitCode } from '../cli-error.js';
import { diffOne, FIELD_MANAGER, renderCheckout } from '../commands/diff.js';
import { getGitSync } from '../git-sync-api.js';
import type { KubeConfig } from '../kube-session.js';
import type { FieldChange } from '../field-diff.js';
import type { ObjectDiff } from '../object-diff.js';
import { printable } from '../printable.js';
import { writersAfterApply, type ManagedFieldsEntry } from './object-sync-state.js';
import { compareSecret } from './secret-key-probe.js';

/** Which object of a GitSync to compare. */
export interface ObjectRefQuery {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

export interface ObjectDiffReader {
  read(namespace: string, name: string, ref: ObjectRefQuery): Promise<UiObjectDiff>;
  close(): Promise<void>;
}

const MAX_VALUE_CHARS = 200;

const valueText = (value: unknown): string => printable(JSON.stringify(value), MAX_VALUE_CHARS);

/** ConfigMap data keys become key changes (names only); every other field keeps its values unless `secret`. */
export function toUiDiff(diff: ObjectDiff, kind: string): { keys: UiKeyChange[]; fields: UiFieldChange[] } {
  const keys: UiKeyChange[] = diff.keys.map((k) => ({ key: k.key, change: k.change }));
  const fields: UiFieldChange[] = [];
  const configMap = kind === 'ConfigMap';
  for (const field of diff.fields as readonly FieldChange[]) {
    const dataKey = configMap
      ? /^(?:data|binaryData)(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\["(.*)"\])$/.exec(field.path)
      : null;
    if (dataKey) {
      keys.push({ key: dataKey[1] ?? JSON.parse(`"${dataKey[2] ?? ''}"`), change: field.kind });
      continue;
    }
    const values =
      diff.secretKind !== undefined
        ? {}
        : {
            ...(field.kind === 'added' ? {} : { before: valueText(field.before) }),
            ...(field.kind === 'removed' ? {} : { after: valueText(field.after) }),
          };
    fields.push({ path: printable(field.path, 300), kind: field.kind, ...values });
  }
  return { keys: keys.sort((a, b) => a.key.localeCompare(b.key)), fields };
}

const sameRef = (object: KubeObject, ref: ObjectRefQuery): boolean =>
  object.apiVersion === ref.apiVersion &&
  object.kind === ref.kind &&
  object.metadata?.name === ref.name &&
  (object.metadata?.namespace ?? '') === (ref.namespace ?? '');

function describe(ref: ObjectRefQuery): string {
  return `${ref.kind} ${ref.namespace === undefined ? '' : `${ref.namespace}/`}${ref.name}`;
}

/**
 * The GitSync page's per-object diff, with the code behind `gitseal diff`: the GitSync's source is fetched at the
 * revision the controller last applied (exactly that commit, with no credentials: public or file:// repositories;
 * the user's kubeconfig cannot give the GitSync's git credentials and the UI reads no Secret), rendered as the
 * engine renders it, and the one object compared with the live one by a server-side-apply dry run as field
 * manager `gitseal` (what the next sync or heal would change). Secrets are compared without reading their data
 * (see compareSecret); SealedSecrets per key by ciphertext; ConfigMaps per data key; other kinds field by field.
 */
export function createObjectDiffReader(kc: KubeConfig): ObjectDiffReader {
  let cacheDir: Promise<string> | undefined;
  const cache = (): Promise<string> => (cacheDir ??= mkdtemp(join(tmpdir(), 'gitseal-ui-git-')));

  async function render(gitSyncNs: string, gitSyncName: string, ref: ObjectRefQuery) {
    const object = await getGitSync(kc, gitSyncNs, gitSyncName);
    const spec = (object.spec ?? {}) as { source?: { url?: string; path?: string; chart?: unknown } };
    const status = (object.status ?? {}) as { lastAppliedRevision?: string };
    const title = `GitSync ${gitSyncNs}/${gitSyncName}`;
    if (spec.source?.chart !== undefined) {
      throw new CliError(`${title}: the per-object diff of Helm chart sources is not offered here; use gitseal diff`);
    }
    const revision = status.lastAppliedRevision;
    const commit = revision === undefined ? undefined : commitOfRevision(revision);
    if (revision === undefined || commit === undefined || spec.source?.url === undefined) {
      throw new CliError(`${title}: no applied revision yet, nothing to compare with`);
    }
    let fetched;
    try {
      fetched = await fetchRevision({ url: spec.source.url, ref: { commit }, cacheDir: await cache() });
    } catch {
      throw new CliError(
        `${title}: its source cannot be fetched without the GitSync's credentials (gitseal ui uses none); compare with a local clone: gitseal diff --path DIR --prune-label ${gitSyncNs}/${gitSyncName}`,
        ExitCode.Remote,
      );
    }
    try {
      const path = spec.source.path;
      if (await isChartFolder(path ? join(fetched.checkoutDir, path) : fetched.checkoutDir)) {
        throw new CliError(`${title}: the per-object diff of chart folders is not offered here; use gitseal diff`);
      }
      const namespace = targetNamespaceOf(object as unknown as Parameters<typeof targetNamespaceOf>[0]);
      const rendered = await renderCheckout({
        checkoutDir: fetched.checkoutDir,
        ...(path ? { path } : {}),
        namespace,
        kc,
      });
      const planned = orderForApply(rendered.main).find((p) => sameRef(p.object, ref));
      if (planned === undefined) {
        throw new CliError(`${title}: ${describe(ref)} is not in revision ${revision}`);
      }
      return { planned, revision };
    } catch (error) {
      if (error instanceof CliError) throw error;
      const why = error instanceof KubeError ? error.message : 'the revision could not be rendered';
      throw new CliError(`${title}: ${printable(why, 300)}`);
    } finally {
      await removeCheckout(fetched.checkoutDir);
    }
  }

  async function secretDiff(planned: PlannedObject, label: string, revision: string): Promise<UiObjectDiff> {
    const desired = desiredObject(planned.object, label);
    const compared = await compareSecret(kc, desired);
    const changed = compared.keys.some((k) => k.change !== 'unchanged') || compared.fields.length > 0;
    return {
      title: describe({ ...planned.object, name: planned.object.metadata?.name ?? '', ...ns(planned.object) }),
      action: !compared.exists ? 'created' : changed ? 'changed' : 'unchanged',
      revision,
      source: planned.source,
      secret: true,
      keys: compared.keys,
      fields: compared.fields,
      changedBy: compared.changedBy,
      notes: [],
    };
  }

  return {
    async read(gitSyncNs, gitSyncName, ref) {
      const { planned, revision } = await render(gitSyncNs, gitSyncName, ref);
      const label = syncLabel({ metadata: { namespace: gitSyncNs, name: gitSyncName } });
      if (ref.kind === 'Secret' && ref.apiVersion === 'v1') return secretDiff(planned, label, revision);
      const client = createRawApplier(kc, { fieldManager: FIELD_MANAGER, dryRun: true });
      let live: KubeObject | undefined;
      let diff: ObjectDiff;
      try {
        live = await client.read(planned.object);
        diff = await diffOne(client, planned, { namespace: gitSyncNs, name: gitSyncName });
      } catch (error) {
        const why = error instanceof CliError || error instanceof KubeError ? error.message : 'the comparison failed';
        const forbidden = /\(403\)|forbidden/i.test(why);
        throw new CliError(
          forbidden
            ? `${describe(ref)}: comparing needs a server-side dry run, and you may not patch it (RBAC)`
            : printable(why, 300),
          forbidden ? ExitCode.User : ExitCode.Remote,
        );
      }
      const { keys, fields } = toUiDiff(diff, ref.kind);
      const managed = (live?.metadata as { managedFields?: ManagedFieldsEntry[] } | undefined)?.managedFields;
      return {
        title: diff.title,
        action: diff.action === 'created' ? 'created' : diff.action === 'unchanged' ? 'unchanged' : 'changed',
        revision,
        ...(diff.source === undefined ? {} : { source: diff.source }),
        secret: diff.secretKind !== undefined,
        keys,
        fields,
        changedBy: writersAfterApply(managed),
        notes: diff.note === undefined ? [] : [diff.note],
      };
    },
    async close() {
      if (cacheDir !== undefined) await rm(await cacheDir, { recursive: true, force: true });
    },
  };
}

function ns(object: KubeObject): { namespace?: string } {
  return object.metadata?.namespace === undefined ? {} : { namespace: object.metadata.namespace };
}
