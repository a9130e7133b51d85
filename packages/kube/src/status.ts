import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from './client-node.js';
import { toKubeError } from './api-error.js';

/** Which custom object's status to write. */
export interface StatusTarget {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespace: string;
  readonly name: string;
  /** Kind for messages, e.g. `GitSync`. */
  readonly kind?: string;
}

export interface StatusWriteOptions {
  readonly fieldManager?: string;
  /** When set, the write fails with 409 unless the object is still at this resourceVersion. */
  readonly resourceVersion?: string;
}

function what(target: StatusTarget): string {
  return `${target.kind ?? target.plural} ${target.namespace}/${target.name} status`;
}

export function makeCustomObjectsApi(kc: KubeConfig): CustomObjectsApi {
  return kc.makeApiClient(CustomObjectsApi);
}

/**
 * Merge-patches the status subresource of a namespaced custom object: `status` replaces each top-level status
 * field it names (arrays such as `conditions` are replaced whole). Returns the updated object.
 */
export async function patchStatus<T extends KubernetesObject = KubernetesObject>(
  api: CustomObjectsApi,
  target: StatusTarget,
  status: Record<string, unknown>,
  options: StatusWriteOptions = {},
): Promise<T> {
  const body: Record<string, unknown> = { status };
  if (options.resourceVersion !== undefined) body.metadata = { resourceVersion: options.resourceVersion };
  try {
    return (await api.patchNamespacedCustomObjectStatus(
      {
        group: target.group,
        version: target.version,
        namespace: target.namespace,
        plural: target.plural,
        name: target.name,
        body,
        fieldManager: options.fieldManager ?? 'gitseal',
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as T;
  } catch (err) {
    throw toKubeError(err, `patch ${what(target)}`);
  }
}

/**
 * Replaces the status subresource with the object's `status` (optimistic: the object's resourceVersion must be
 * current, else a 409 KubeError). Returns the updated object.
 */
export async function replaceStatus<T extends KubernetesObject & { status?: unknown }>(
  api: CustomObjectsApi,
  target: StatusTarget,
  object: T,
  options: Pick<StatusWriteOptions, 'fieldManager'> = {},
): Promise<T> {
  try {
    return (await api.replaceNamespacedCustomObjectStatus({
      group: target.group,
      version: target.version,
      namespace: target.namespace,
      plural: target.plural,
      name: target.name,
      body: object,
      fieldManager: options.fieldManager ?? 'gitseal',
    })) as T;
  } catch (err) {
    throw toKubeError(err, `replace ${what(target)}`);
  }
}
