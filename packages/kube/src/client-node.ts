import type * as ClientNode from '@kubernetes/client-node';

/**
 * The @kubernetes/client-node values gitseal uses, from `client-node.bundle.js` (scripts/bundle-client-node.mjs):
 * the package's index loads every generated API and model, 17 MiB of source text kept in the V8 heap for good,
 * where the tree-shaken bundle of what is used costs ~8 MiB and loads in a tenth of the time. Without the bundle
 * (a plain `tsc -b`, no bundling step) the package itself is loaded: same behaviour, more memory. Types always
 * come from the package.
 */
type Values = Pick<
  typeof ClientNode,
  | 'CoordinationV1Api'
  | 'CustomObjectsApi'
  | 'KubeConfig'
  | 'KubernetesObjectApi'
  | 'PatchStrategy'
  | 'V1MicroTime'
  | 'Watch'
  | 'setHeaderOptions'
>;

/** Where the values came from: the bundle, or the whole package. */
export const ClientNodeSource = { Bundle: 'bundle', Package: 'package' } as const;
export type ClientNodeSource = (typeof ClientNodeSource)[keyof typeof ClientNodeSource];

async function load(): Promise<{ values: Values; source: ClientNodeSource }> {
  try {
    const values = (await import(new URL('./client-node.bundle.js', import.meta.url).href)) as Values;
    return { values, source: ClientNodeSource.Bundle };
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return { values: await import('@kubernetes/client-node'), source: ClientNodeSource.Package };
  }
}

const loaded = await load();

export const clientNodeSource: ClientNodeSource = loaded.source;
export const CoordinationV1Api = loaded.values.CoordinationV1Api;
export type CoordinationV1Api = ClientNode.CoordinationV1Api;
export const CustomObjectsApi = loaded.values.CustomObjectsApi;
export type CustomObjectsApi = ClientNode.CustomObjectsApi;
export const KubeConfig = loaded.values.KubeConfig;
export type KubeConfig = ClientNode.KubeConfig;
export const KubernetesObjectApi = loaded.values.KubernetesObjectApi;
export type KubernetesObjectApi = ClientNode.KubernetesObjectApi;
export const PatchStrategy = loaded.values.PatchStrategy;
export type PatchStrategy = ClientNode.PatchStrategy;
export const V1MicroTime = loaded.values.V1MicroTime;
export type V1MicroTime = ClientNode.V1MicroTime;
export const Watch = loaded.values.Watch;
export type Watch = ClientNode.Watch;
export const setHeaderOptions = loaded.values.setHeaderOptions;
