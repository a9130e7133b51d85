import { requestRaw, resourcePath, Resources } from '@gitseal/kube';
import type { KubeObject, UiFieldChange, UiKeyChange } from '@gitseal/manifests';
import { CliError, ExitCode } from '../cli-error.js';
import type { KubeConfig } from '../kube-session.js';
import { printable } from '../printable.js';
import { secretKeyNames, writersAfterApply, type ManagedFieldsEntry } from './object-sync-state.js';

/** Secrets are read, and dry-run answers received, as metadata only: their data never reaches this process. */
const METADATA_ONLY = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
/** A field manager that owns nothing: applying as it conflicts on exactly the fields whose values differ. */
export const COMPARE_MANAGER = 'gitseal-ui-compare';

export interface SecretComparison {
  readonly exists: boolean;
  readonly keys: UiKeyChange[];
  /** Other fields whose values differ (paths only). */
  readonly fields: UiFieldChange[];
  readonly changedBy: string[];
}

/**
 * The field paths of a server-side-apply conflict answer (`status.details.causes[].field`, e.g. `.data.password`):
 * the fields where the live value differs from the applied one. Messages are not read (only paths are kept).
 */
export function conflictFields(status: unknown): string[] {
  const causes = (status as { details?: { causes?: unknown } } | undefined)?.details?.causes;
  if (!Array.isArray(causes)) return [];
  const fields = causes
    .map((c: unknown) => (c as { field?: unknown }).field)
    .filter((f): f is string => typeof f === 'string' && f.startsWith('.'));
  return [...new Set(fields)].sort();
}

/**
 * A dry-run answer must be metadata only (`kind: PartialObjectMetadata`): an API server that ignored the Accept
 * header sent the Secret whole, which is wiped and refused here rather than used.
 */
function assertMetadataOnly(body: Buffer, title: string): void {
  let kind: unknown;
  try {
    kind = (JSON.parse(body.toString('utf8')) as { kind?: unknown }).kind;
  } catch {
    kind = undefined;
  }
  if (kind === 'PartialObjectMetadata') return;
  body.fill(0);
  throw new CliError(`${title}: the API server did not answer the dry run as metadata only; not compared`);
}

/** Secret data keys (plus stringData folded in, as the API server does) of a desired Secret. */
function desiredKeys(secret: KubeObject): string[] {
  const s = secret as { data?: Record<string, unknown>; stringData?: Record<string, unknown> };
  return [...new Set([...Object.keys(s.data ?? {}), ...Object.keys(s.stringData ?? {})])].sort();
}

/** stringData folded into data (base64), so the comparison is on the field the API server stores. */
function withStringDataFolded(secret: KubeObject): KubeObject {
  const s = secret as KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> };
  if (s.stringData === undefined) return secret;
  const data = { ...(s.data ?? {}) };
  for (const [key, value] of Object.entries(s.stringData)) data[key] = Buffer.from(String(value)).toString('base64');
  const { stringData: _ignored, ...rest } = s;
  return { ...rest, data } as KubeObject;
}

/** Joins keys and conflict paths into per-key changes (names only) and the other changed fields. */
export function compareSecretKeys(live: readonly string[], desired: readonly string[], conflicts: readonly string[]) {
  const changed = new Set(conflicts.filter((f) => f.startsWith('.data.')).map((f) => f.slice('.data.'.length)));
  const names = [...new Set([...live, ...desired])].sort();
  const keys = names.map((key): UiKeyChange => {
    if (!desired.includes(key)) return { key, change: 'removed' };
    if (!live.includes(key)) return { key, change: 'added' };
    return { key, change: changed.has(key) ? 'changed' : 'unchanged' };
  });
  const fields = conflicts
    .filter((f) => !f.startsWith('.data.'))
    .map((f): UiFieldChange => ({ path: printable(f.slice(1), 300), kind: 'changed' }));
  return { keys, fields };
}

/**
 * Compares a live Secret with the desired one key by key without reading its data: the live key names come from
 * its managedFields (read as metadata only), and a server-side-apply dry run of the desired Secret under a field
 * manager that owns nothing answers 409 naming exactly the fields whose live values differ; its success answer is
 * asked for as metadata only too. Values are compared by the API server and never leave it.
 */
export async function compareSecret(kc: KubeConfig, desired: KubeObject): Promise<SecretComparison> {
  const namespace = desired.metadata?.namespace;
  const name = desired.metadata?.name ?? '';
  const title = `Secret ${namespace ?? ''}/${name}`;
  const path = resourcePath(Resources.Secret, namespace, name);
  const read = await requestRaw(kc, {
    path,
    headers: { Accept: METADATA_ONLY },
    what: `read ${title}`,
    timeoutMs: 10_000,
  });
  if (read.status === 404) {
    return {
      exists: false,
      keys: desiredKeys(desired).map((key) => ({ key, change: 'added' })),
      fields: [],
      changedBy: [],
    };
  }
  if (read.status === 403) throw new CliError(`${title}: you may not read it (RBAC)`, ExitCode.User);
  if (read.status < 200 || read.status >= 300) {
    throw new CliError(`${title}: the API server answered ${read.status}`, ExitCode.Remote);
  }
  const managed = (JSON.parse(read.body.toString('utf8')) as { metadata?: { managedFields?: ManagedFieldsEntry[] } })
    .metadata?.managedFields;
  const probe = await requestRaw(kc, {
    method: 'PATCH',
    path,
    query: { fieldManager: COMPARE_MANAGER, force: false, dryRun: 'All' },
    headers: { 'Content-Type': 'application/apply-patch+yaml', Accept: METADATA_ONLY },
    body: JSON.stringify(withStringDataFolded(desired)),
    what: `dry-run apply ${title}`,
    timeoutMs: 10_000,
  });
  let conflicts: string[] = [];
  if (probe.status >= 200 && probe.status < 300) assertMetadataOnly(probe.body, title);
  if (probe.status === 409) conflicts = conflictFields(JSON.parse(probe.body.toString('utf8')));
  else if (probe.status === 403) {
    throw new CliError(
      `${title}: comparing needs a server-side dry run, and you may not patch it (RBAC): key changes cannot be shown`,
      ExitCode.User,
    );
  } else if (probe.status < 200 || probe.status >= 300) {
    throw new CliError(`${title}: the dry run was refused (${probe.status})`, ExitCode.Remote);
  }
  const { keys, fields } = compareSecretKeys(secretKeyNames(managed), desiredKeys(desired), conflicts);
  return { exists: true, keys, fields, changedBy: writersAfterApply(managed) };
}
