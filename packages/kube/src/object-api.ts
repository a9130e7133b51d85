import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { KubernetesObjectApi } from './client-node.js';
import { isNotFound, safeErrorMessage, toKubeError } from './api-error.js';
import { KubeError, KubeErrorCode } from './kube-error.js';
import { describeObject } from './resource.js';
import { retryThrottled } from './throttle-retry.js';

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

/** A generic-object client for {@link readObject}, {@link listObjects} and {@link deleteObject}. */
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
