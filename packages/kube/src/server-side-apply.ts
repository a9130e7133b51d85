import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { KubernetesObjectApi, PatchStrategy } from './client-node.js';
import { isNotFound, safeErrorMessage, toKubeError } from './api-error.js';
import { KubeError, KubeErrorCode } from './kube-error.js';
import { describeObject } from './resource.js';
import { retryThrottled } from './throttle-retry.js';

export interface ApplyOptions {
  /** Default `gitseal`. */
  readonly fieldManager?: string;
  /** Take over fields owned by other managers; default true. */
  readonly force?: boolean;
  /** Validate and run admission, persist nothing. */
  readonly dryRun?: boolean;
}

export interface DeleteOptions {
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  readonly dryRun?: boolean;
}

/** Identifies one object of any kind. */
export interface ObjectReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

/** Metadata fields the server owns; sending them in an apply is wrong or racy. */
const SERVER_METADATA = ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation'] as const;

/** A generic-object client for {@link applyObject} and friends. */
export function makeObjectApi(kc: KubeConfig): KubernetesObjectApi {
  return KubernetesObjectApi.makeApiClient(kc);
}

function describeSpec(object: KubernetesObject): string {
  return describeObject(object);
}

/** Maps client-node's discovery errors (unknown group or kind) to INVALID_OBJECT; else a safe API error. */
function wrapError(err: unknown, what: string): KubeError {
  const unknownGroup =
    err instanceof Error && /^Failed to fetch resource metadata/.test(err.message) && isNotFound(err);
  if (unknownGroup || (err instanceof Error && /^Unrecognized API version and kind/.test(err.message))) {
    return new KubeError(KubeErrorCode.InvalidObject, `${what}: kind not served by the API server`);
  }
  if (err instanceof Error && /^Required (spec property|parameter)/.test(err.message)) {
    return new KubeError(KubeErrorCode.InvalidObject, `${what}: ${safeErrorMessage(err)}`);
  }
  return toKubeError(err, what);
}

/**
 * The object as it should be sent in a server-side apply: a deep copy without server-owned metadata
 * (managedFields, resourceVersion, uid, creationTimestamp, generation) and without `status`.
 */
export function prepareForApply<T extends KubernetesObject>(object: T): T {
  const copy = structuredClone(object) as T & { status?: unknown };
  delete copy.status;
  if (copy.metadata !== undefined) {
    const metadata = copy.metadata as Record<string, unknown>;
    for (const field of SERVER_METADATA) delete metadata[field];
  }
  return copy;
}

/**
 * Server-side apply of one object (create or update), returning the object as stored. Conflicts with other field
 * managers are overridden unless `force` is false. Errors are KubeErrors with safe messages.
 */
export async function applyObject<T extends KubernetesObject>(
  client: KubernetesObjectApi,
  object: T,
  options: ApplyOptions = {},
): Promise<T> {
  if (object.metadata?.name === undefined || object.kind === undefined || object.apiVersion === undefined) {
    throw new KubeError(KubeErrorCode.InvalidObject, `${describeSpec(object)}: apiVersion, kind and name are required`);
  }
  const body = prepareForApply(object);
  try {
    return await retryThrottled(() =>
      client.patch<T>(
        body,
        undefined,
        options.dryRun === true ? 'All' : undefined,
        options.fieldManager ?? 'gitseal',
        options.force ?? true,
        PatchStrategy.ServerSideApply,
      ),
    );
  } catch (err) {
    throw wrapError(err, `apply ${describeSpec(object)}`);
  }
}

/** Reads one object; undefined when it does not exist. */
export async function readObject<T extends KubernetesObject = KubernetesObject>(
  client: KubernetesObjectApi,
  ref: ObjectReference,
): Promise<T | undefined> {
  const spec = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { ...ref.metadata } };
  try {
    return await retryThrottled(() => client.read<T>(spec));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw wrapError(err, `read ${describeSpec(ref)}`);
  }
}

/** Lists objects of one kind, following continue tokens. */
export async function listObjects<T extends KubernetesObject = KubernetesObject>(
  client: KubernetesObjectApi,
  type: { readonly apiVersion: string; readonly kind: string },
  options: { readonly namespace?: string; readonly labelSelector?: string; readonly pageSize?: number } = {},
): Promise<T[]> {
  const items: T[] = [];
  let continueToken: string | undefined;
  try {
    do {
      const page = await retryThrottled(() =>
        client.list<T>(
          type.apiVersion,
          type.kind,
          options.namespace,
          undefined,
          undefined,
          undefined,
          undefined,
          options.labelSelector,
          options.pageSize ?? 500,
          continueToken,
        ),
      );
      for (const item of page.items) items.push({ ...item, apiVersion: type.apiVersion, kind: type.kind });
      continueToken = page.metadata?._continue || undefined;
    } while (continueToken !== undefined);
  } catch (err) {
    throw wrapError(err, `list ${type.kind} in ${options.namespace ?? 'all namespaces'}`);
  }
  return items;
}

/** Deletes one object. Resolves true when a delete was accepted, false when it did not exist. */
export async function deleteObject(
  client: KubernetesObjectApi,
  ref: ObjectReference,
  options: DeleteOptions = {},
): Promise<boolean> {
  const spec = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { ...ref.metadata } };
  try {
    await retryThrottled(() =>
      client.delete(
        spec,
        undefined,
        options.dryRun === true ? 'All' : undefined,
        undefined,
        undefined,
        options.propagationPolicy ?? 'Background',
      ),
    );
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw wrapError(err, `delete ${describeSpec(ref)}`);
  }
}
