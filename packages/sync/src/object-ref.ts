import type { KubeObject } from '@gitseal/manifests';

/** What identifies an object in a cluster (the API version does not). */
export interface ObjectRef {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** `apps/v1` → `apps`, `v1` → `` (the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function metaString(object: KubeObject, field: 'name' | 'namespace'): string {
  const value = object.metadata?.[field];
  return typeof value === 'string' ? value : '';
}

export function objectRef(object: KubeObject): ObjectRef {
  return {
    group: groupOf(object.apiVersion),
    kind: object.kind,
    namespace: metaString(object, 'namespace'),
    name: metaString(object, 'name'),
  };
}

/** `group/kind/namespace/name`, unique per object in a cluster. */
export function objectKey(object: KubeObject | ObjectRef): string {
  const ref = 'apiVersion' in object ? objectRef(object) : object;
  return `${ref.group}/${ref.kind}/${ref.namespace}/${ref.name}`;
}
