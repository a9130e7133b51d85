import { assertOk, getJson, KubeError, requestRaw, resourcePath, Resources } from '@gitseal/kube';
import { CliError, ExitCode } from './cli-error.js';
import type { KubeConfig } from './kube-session.js';
import { toCliError } from './cli-error.js';

/** A GitSync as read from the API server: raw JSON, checked field by field where it is used. */
export interface GitSyncObject {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly creationTimestamp?: string;
    readonly generation?: number;
    readonly resourceVersion?: string;
    readonly annotations?: Record<string, string>;
  };
  readonly spec?: Record<string, unknown>;
  readonly status?: Record<string, unknown>;
}

/** The annotation `gitseal sync now` sets: any change of its value asks the controller for a sync. */
export const REQUESTED_AT_ANNOTATION = 'gitseal.dev/requested-at';
/** The field manager the CLI's writes are recorded under. */
export const CLI_FIELD_MANAGER = 'gitseal-cli';

const TIMEOUT_MS = 30_000;
const PAGE_SIZE = 500;

function notFound(namespace: string, name: string): CliError {
  return new CliError(`GitSync ${namespace}/${name}: not found`, ExitCode.User);
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof KubeError && error.status === status;
}

/** Reads one GitSync; a missing one (or a cluster without the CRD) is `GitSync ns/name: not found`, exit 1. */
export async function getGitSync(kc: KubeConfig, namespace: string, name: string): Promise<GitSyncObject> {
  const what = `GitSync ${namespace}/${name}`;
  try {
    return await getJson<GitSyncObject>(kc, {
      path: resourcePath(Resources.GitSync, namespace, name),
      what: `read ${what}`,
      timeoutMs: TIMEOUT_MS,
    });
  } catch (error) {
    if (isStatus(error, 404)) throw notFound(namespace, name);
    throw toCliError(error, what);
  }
}

/** Lists GitSyncs in one namespace, or in all when `namespace` is undefined (following continue tokens). */
export async function listGitSyncs(kc: KubeConfig, namespace: string | undefined): Promise<GitSyncObject[]> {
  const where = namespace === undefined ? 'all namespaces' : `namespace ${namespace}`;
  const items: GitSyncObject[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await getJson<{ items?: GitSyncObject[]; metadata?: { continue?: string } }>(kc, {
        path: resourcePath(Resources.GitSync, namespace),
        query: { limit: PAGE_SIZE, continue: token },
        what: `list GitSyncs in ${where}`,
        timeoutMs: TIMEOUT_MS,
      });
      items.push(...(page.items ?? []));
      token = page.metadata?.continue || undefined;
    } while (token !== undefined);
  } catch (error) {
    if (isStatus(error, 404)) {
      throw new CliError('GitSync: kind not served by the API server (is the gitsyncs.gitseal.dev CRD installed?)');
    }
    throw toCliError(error, `list GitSyncs in ${where}`);
  }
  return items;
}

/** Merge-patches one GitSync (RFC 7386) and returns it as stored. Missing → `not found`, exit 1. */
export async function mergePatchGitSync(
  kc: KubeConfig,
  namespace: string,
  name: string,
  patch: Record<string, unknown>,
): Promise<GitSyncObject> {
  const what = `GitSync ${namespace}/${name}`;
  try {
    const response = await requestRaw(kc, {
      method: 'PATCH',
      path: resourcePath(Resources.GitSync, namespace, name),
      query: { fieldManager: CLI_FIELD_MANAGER },
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify(patch),
      what: `patch ${what}`,
      timeoutMs: TIMEOUT_MS,
    });
    assertOk(response, `patch ${what}`);
    return JSON.parse(response.body.toString('utf8')) as GitSyncObject;
  } catch (error) {
    if (isStatus(error, 404)) throw notFound(namespace, name);
    throw toCliError(error, what);
  }
}
