import type { KubernetesObject } from '@kubernetes/client-node';

/** Enough about a resource type to build its URLs and label its objects. */
export interface ResourceType {
  /** `v1` for the core group, else `group/version`. */
  readonly apiVersion: string;
  readonly kind: string;
  /** The lower-case plural used in URLs, e.g. `secrets`. */
  readonly plural: string;
}

/** Resource types gitseal uses. */
export const Resources = {
  Secret: { apiVersion: 'v1', kind: 'Secret', plural: 'secrets' },
  ConfigMap: { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' },
  Namespace: { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces' },
  Event: { apiVersion: 'v1', kind: 'Event', plural: 'events' },
  Lease: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', plural: 'leases' },
  SealedSecret: { apiVersion: 'gitseal.dev/v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets' },
  GitSync: { apiVersion: 'gitseal.dev/v1alpha1', kind: 'GitSync', plural: 'gitsyncs' },
  BitnamiSealedSecret: { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets' },
  NotificationProvider: {
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'NotificationProvider',
    plural: 'notificationproviders',
  },
  NotificationAlert: { apiVersion: 'gitseal.dev/v1alpha1', kind: 'NotificationAlert', plural: 'notificationalerts' },
} as const satisfies Record<string, ResourceType>;

/** `/api/v1` or `/apis/group/version`. */
export function apiVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** URL path of a collection (or of one object when `name` is given); cluster-wide when `namespace` is absent. */
export function resourcePath(type: ResourceType, namespace?: string, name?: string): string {
  const scope = namespace === undefined || namespace === '' ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  const object = name === undefined ? '' : `/${encodeURIComponent(name)}`;
  return `${apiVersionPath(type.apiVersion)}${scope}/${type.plural}${object}`;
}

/** The cache and queue key of an object: `namespace/name`, or `name` for cluster-scoped objects. */
export function namespacedName(object: KubernetesObject): string {
  const namespace = object.metadata?.namespace;
  const name = object.metadata?.name ?? '';
  return namespace === undefined || namespace === '' ? name : `${namespace}/${name}`;
}

/** Splits a key made by {@link namespacedName}. */
export function splitNamespacedName(key: string): { namespace: string | undefined; name: string } {
  const slash = key.indexOf('/');
  return slash < 0
    ? { namespace: undefined, name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** An object named without its manifest (`namespace` empty for a cluster-scoped object). */
export interface NamedKind {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** A name as messages show it: names longer than a DNS label's 63 characters are cut, with their length. */
function shown(name: string): string {
  return name.length > 80 ? `${name.slice(0, 63)}…(${name.length} characters)` : name;
}

/** Any manifest: only its kind, namespace and name are read. */
interface Manifest {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

/** `Deployment prod/web`, `ClusterRole admin`: how messages and logs name an object (overlong names shortened). */
export function describeObject(object: Manifest | NamedKind): string {
  const named =
    'name' in object
      ? object
      : {
          kind: object.kind ?? 'object',
          namespace: object.metadata?.namespace ?? '',
          name: object.metadata?.name ?? '',
        };
  return `${shown(named.kind)} ${named.namespace ? `${shown(named.namespace)}/` : ''}${shown(named.name)}`;
}
