import { fencedWrite } from '@gitseal/kube';
import type { KubeObject } from '@gitseal/manifests';
import type { ObjectApi } from './live-objects.js';
import { describeRef } from './object-ref.js';

/** Whether this process may write now (the Lease is still ours); asked right before every write. */
export type MayWrite = () => boolean;

/** Made in @gitseal/kube, so that the controller can fence its writes without loading the sync engine. */
export { fencedWrite };

const WRITES = new Set(['create', 'delete', 'patch', 'replace']);

/** The generic object client with every write (create, delete, patch, replace) refused once `mayWrite` says no. */
export function fenceObjectApi(api: ObjectApi, mayWrite: MayWrite): ObjectApi {
  return new Proxy(api, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !WRITES.has(property) || typeof value !== 'function') return value;
      return (object: KubeObject, ...rest: unknown[]): unknown => {
        if (!mayWrite()) return Promise.reject(fencedWrite(`${property} ${describeRef(object)}`));
        return (value as (...args: unknown[]) => unknown).apply(target, [object, ...rest]);
      };
    },
  });
}
